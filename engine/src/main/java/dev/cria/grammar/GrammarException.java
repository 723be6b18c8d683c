package dev.cria.grammar;

/** A grammar (or a schema compiled to one) that cannot be parsed or enforced; the message says where and why. */
public class GrammarException extends IllegalArgumentException {
    public GrammarException(String message) {
        super(message);
    }
}
