package dev.oversight.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Ed25519 key that signs checkpoints. Its file is PEM: a {@code PRIVATE KEY} block (PKCS #8) and a
 * {@code PUBLIC KEY} block (X.509 SubjectPublicKeyInfo), in either order; {@code openssl genpkey -algorithm ed25519
 * -out k.pem && openssl pkey -in k.pem -pubout >> k.pem} makes one. A public-key file holds PUBLIC KEY blocks only.
 */
public record LedgerKey(PrivateKey privateKey, PublicKey publicKey) {

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

    /**
     * The key in {@code file}; a new one written there (owner-only permissions where the file system has them) if none
     * is. Two writers starting at once (policy-stream and the worker in one `oversight up`) end with the same key: the
     * file is created only if absent, and whoever lost reads the winner's.
     */
    public static synchronized LedgerKey loadOrCreate(Path file) {
        if (Files.exists(file)) {
            return read(file);
        }
        Path temp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".new");
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            LedgerKey key = new LedgerKey(pair.getPrivate(), pair.getPublic());
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(temp);
            Files.writeString(temp, "", StandardOpenOption.CREATE_NEW);
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: its own permissions apply
            }
            Files.writeString(temp, pem("PRIVATE KEY", key.privateKey.getEncoded()) + key.publicPem());
            try {
                Files.createLink(file, temp); // fails if the file exists: never replaces a key
            } catch (UnsupportedOperationException e) {
                Files.move(temp, file); // no hard links here: fails if the file exists
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // another writer made it first: use theirs
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ledger key " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519", e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // left behind: harmless
            }
        }
        return read(file);
    }

    public static LedgerKey read(Path file) {
        PrivateKey privateKey = null;
        PublicKey publicKey = null;
        try {
            for (String[] block : blocks(Files.readString(file, StandardCharsets.US_ASCII))) {
                byte[] der = Base64.getMimeDecoder().decode(block[1]);
                if (block[0].equals("PRIVATE KEY")) {
                    privateKey = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
                } else if (block[0].equals("PUBLIC KEY")) {
                    publicKey = publicKey(der);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ledger key " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the ledger key " + file + " is not an Ed25519 key in PEM: "
                    + e.getMessage(), e);
        }
        if (privateKey == null || publicKey == null) {
            throw new IllegalArgumentException("the ledger key " + file + " must hold a PRIVATE KEY and a PUBLIC KEY"
                    + " block (add the public one with: openssl pkey -in " + file + " -pubout >> " + file + ")");
        }
        return new LedgerKey(privateKey, publicKey);
    }

    /** Every PUBLIC KEY block of a file (a ledger key file works too: its public half is read). */
    public static List<PublicKey> readPublicKeys(Path file) {
        List<PublicKey> keys = new ArrayList<>();
        try {
            for (String[] block : blocks(Files.readString(file, StandardCharsets.US_ASCII))) {
                if (block[0].equals("PUBLIC KEY")) {
                    keys.add(publicKey(Base64.getMimeDecoder().decode(block[1])));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not a PEM Ed25519 public key: " + e.getMessage(), e);
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no PEM PUBLIC KEY block");
        }
        return keys;
    }

    public static PublicKey publicKey(byte[] x509) throws GeneralSecurityException {
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509));
    }

    private static List<String[]> blocks(String text) {
        List<String[]> blocks = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            blocks.add(new String[] {m.group(1), m.group(2)});
        }
        return blocks;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    public String publicPem() {
        return publicPem(publicKey);
    }

    public static String publicPem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    public String keyId() {
        return keyId(publicKey);
    }

    /** The first 16 hex digits of the SHA-256 of the public key's X.509 DER encoding. */
    public static String keyId(PublicKey key) {
        return Ledger.sha256Hex(key.getEncoded()).substring(0, 16);
    }

    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(publicKey.getEncoded());
    }

    public byte[] sign(byte[] message) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(privateKey);
            signature.update(message);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the ledger key: " + e.getMessage(), e);
        }
    }

    public static boolean verify(PublicKey key, byte[] message, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
