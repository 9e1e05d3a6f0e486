module courier.dev/bench/gohttp

go 1.19
