module courier.dev/bench/gotls

go 1.19
