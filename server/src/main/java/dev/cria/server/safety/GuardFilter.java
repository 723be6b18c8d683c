package dev.cria.server.safety;

import dev.cria.engine.EngineBusyException;
import dev.cria.guard.GuardTurn;
import dev.cria.guard.GuardVerdict;
import dev.cria.guard.LlamaGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** {@link ContentFilter} on a Llama Guard 3 model, with a {@link GuardPolicy}. */
public final class GuardFilter implements ContentFilter {
    private static final Logger LOG = LoggerFactory.getLogger(GuardFilter.class);

    private final LlamaGuard guard;
    private final GuardPolicy policy;

    public GuardFilter(LlamaGuard guard, GuardPolicy policy) {
        this.guard = guard;
        this.policy = policy;
    }

    @Override
    public FilterOutcome check(List<GuardTurn> conversation) throws InterruptedException {
        if (conversation.isEmpty()) return FilterOutcome.NOT_RUN;
        GuardVerdict v;
        try {
            v = guard.classify(conversation);
        } catch (EngineBusyException | IllegalStateException | IllegalArgumentException e) {
            LOG.warn("content filter did not run: {}", e.getMessage());
            return FilterOutcome.FAILED;
        }
        if (!v.readable()) {
            LOG.warn("content filter: unreadable guard output {}", v.output().length() > 80 ? v.output().substring(0, 80) : v.output());
            return FilterOutcome.FAILED;
        }
        return FilterOutcome.of(v.categories(), policy);
    }
}
