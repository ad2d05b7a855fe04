package dev.restoreguard.sinks.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class StandardWebhooksTest {

    // the reference vector of the Standard Webhooks specification's libraries
    private static final byte[] KEY = Base64.getDecoder().decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TS = 1614265330;
    private static final String BODY = "{\"test\": 2432232314}";

    @Test
    void shouldProduceTheSpecificationsReferenceSignature() {
        assertThat(StandardWebhooks.sign(KEY, ID, TS, BODY)).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
