package dev.defensebench.spi;

/**
 * A {@link Certifier} cannot certify a model at all (e.g. interval bound propagation meets an operator
 * it has no bounds for): the message says "not certifiable: ..." and names the reason. The harness skips
 * that certifier for that model, as it skips a gradient attack on a logits-only model.
 */
public class NotCertifiableException extends IllegalArgumentException {

    public NotCertifiableException(String message) {
        super(message);
    }
}
