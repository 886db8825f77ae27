package dev.oversight.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerKeyTest {

    @TempDir
    Path dir;

    @Test
    void aKeyIsMadeOnceAndReadBackTheSame() {
        Path file = dir.resolve("ledger/ledger-key.pem");
        LedgerKey made = LedgerKey.loadOrCreate(file);
        LedgerKey again = LedgerKey.loadOrCreate(file);
        assertThat(again.keyId()).isEqualTo(made.keyId()).matches("[0-9a-f]{16}");
        byte[] message = "head".getBytes(StandardCharsets.UTF_8);
        assertThat(LedgerKey.verify(made.publicKey(), message, again.sign(message))).isTrue();
        assertThat(LedgerKey.verify(made.publicKey(), "other".getBytes(StandardCharsets.UTF_8), again.sign(message)))
                .isFalse();
        assertThat(LedgerKey.readPublicKeys(file)).singleElement()
                .satisfies(k -> assertThat(LedgerKey.keyId(k)).isEqualTo(made.keyId()));
    }

    @Test
    void writersStartingAtOnceEndWithOneKey() throws Exception {
        Path file = dir.resolve("race/ledger-key.pem");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ids.add(pool.submit(() -> LedgerKey.loadOrCreate(file).keyId()));
            }
            String first = ids.get(0).get();
            for (Future<String> id : ids) {
                assertThat(id.get()).isEqualTo(first);
            }
            assertThat(LedgerKey.read(file).keyId()).isEqualTo(first);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFileWithoutItsPublicHalfIsRefusedSayingHowToAddIt() throws Exception {
        Path full = dir.resolve("full.pem");
        LedgerKey.loadOrCreate(full);
        String text = Files.readString(full);
        Path privateOnly = dir.resolve("private.pem");
        Files.writeString(privateOnly, text.substring(0, text.indexOf("-----BEGIN PUBLIC KEY-----")));
        assertThatThrownBy(() -> LedgerKey.read(privateOnly)).hasMessageContaining("openssl pkey -in");
    }
}
