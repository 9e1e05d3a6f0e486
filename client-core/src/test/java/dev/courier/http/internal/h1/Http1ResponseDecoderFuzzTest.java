package dev.courier.http.internal.h1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes Courier's HTTP/1.1 response decoder ({@link Http1ResponseDecoder}, {@link HeadParser},
 * {@link FieldReader}) with arbitrary server bytes, cut into reads where the fuzzer chooses
 * ({@link FuzzedResponse}). For every input:
 * <ol>
 *   <li>the decoder ends in responses or a typed {@link Http1ResponseDecoder.Failure}: no exception
 *       escapes, its messages come in the order the exchange relies on, a body never exceeds its
 *       Content-Length ({@link CourierFraming});
 *   <li>every buffer is released (a {@link dev.courier.http.testing.TrackingAllocator} checks at once; the
 *       PARANOID leak detector stays on too);
 *   <li>the framing does not depend on where the reads split the bytes (the same input in one read);
 *   <li>it agrees with Netty's {@code HttpResponseDecoder} on status, body and where the next response
 *       starts, for each response both decoded to its end ({@link Framing#assertAgreesWithNetty}, which
 *       lists where Courier differs on purpose). Where Courier is stricter (it refuses what Netty accepts:
 *       a status code outside 100-599 or with a leading 0, an HTTP version other than 1.x, a line without a
 *       colon, differing Content-Length values, chunk data not followed by CRLF, chunk extensions with
 *       control bytes) the response is not compared: Netty's acceptance is not a specification.
 * </ol>
 *
 * <p>Hangs show as libFuzzer timeouts: decoding is synchronous here. Seeds are in
 * {@code Http1ResponseDecoderFuzzTestInputs/frames}; README.md (Fuzzing) tells how to run it for an hour.
 */
class Http1ResponseDecoderFuzzTest {

    @FuzzTest
    void frames(byte[] data) {
        FuzzedResponse input = FuzzedResponse.parse(data);
        Framing split = CourierFraming.decode(input.pieces, input.head, input.maxHeadBytes);
        Framing whole = CourierFraming.decode(input.whole(), input.head, input.maxHeadBytes);
        whole.assertSameAs(split, "the framing depends on how the reads split the bytes (one read first): " + input);
        Framing netty = NettyFraming.decode(input.pieces, input.head);
        split.assertAgreesWithNetty(netty, input);
    }

    @Test
    void theHarnessFramesPipelinedResponsesLikeNetty() {
        byte[] data = seed(0, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX: y\r\n\r\n"
                + "HTTP/1.1 404 Not Found\r\n\r\nuntil close");
        FuzzedResponse input = FuzzedResponse.parse(data);
        Framing courier = CourierFraming.decode(input.pieces, false, input.maxHeadBytes);
        assertThat(courier.toString()).isEqualTo("[100 ended body \"\", 200 ended body \"hello\", 200 ended body \"abc\","
                + " 404 ended body \"until close\"]");
        courier.assertSameAs(NettyFraming.decode(input.pieces, false), "Netty");
    }

    /** A handler that keeps a reference to every body piece is caught at once, before the garbage collector runs. */
    @Test
    void aLeakedBufferFailsTheInput() {
        FuzzedResponse input = FuzzedResponse.parse(seed(0, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nab"));
        List<ByteBuf> kept = new java.util.ArrayList<>();
        ChannelInboundHandlerAdapter leaky = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof ByteBuf) {
                    kept.add(((ByteBuf) msg).retain());
                }
                ctx.fireChannelRead(msg);
            }
        };
        assertThatThrownBy(() -> CourierFraming.decode(input.pieces, false, input.maxHeadBytes, leaky))
                .isInstanceOf(AssertionError.class).hasMessageContaining("not released");
        assertThat(kept).hasSize(1);
        // assertAllReleased released the leaked buffer itself, so the leak detector has nothing left to report.
        assertThat(kept.get(0).refCnt()).isZero();
    }

    /** A seed as stored in the corpus: flags, no cuts, then the response. */
    static byte[] seed(int flags, String response) {
        byte[] r = response.getBytes(StandardCharsets.ISO_8859_1);
        byte[] b = new byte[r.length + 2];
        b[0] = (byte) flags;
        System.arraycopy(r, 0, b, 2, r.length);
        return b;
    }
}
