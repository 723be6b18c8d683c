package dev.cria.server.safety;

import dev.cria.guard.GuardTurn;

import java.util.List;

/** Judges the last turn of a conversation (the user's for prompts, the model's for answers). */
public interface ContentFilter {
    /** Never throws for a classifier failure: that is {@link FilterOutcome#FAILED}. */
    FilterOutcome check(List<GuardTurn> conversation) throws InterruptedException;
}
