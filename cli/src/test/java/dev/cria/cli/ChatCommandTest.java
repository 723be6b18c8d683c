package dev.cria.cli;

import dev.cria.chat.ChatMessage;
import dev.cria.chat.ToolCall;
import dev.cria.engine.Engine;
import dev.cria.engine.FinishReason;
import dev.cria.engine.GenerationEvent;
import dev.cria.engine.GenerationHandle;
import dev.cria.engine.GenerationRequest;
import dev.cria.engine.ModelInfo;
import dev.cria.engine.Usage;
import dev.cria.sampling.SamplingParams;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ChatCommandTest {
    /** Answers each turn with "reply N" in two token events; remembers each conversation it rendered. */
    private static final class CountingEngine implements Engine {
        final List<List<ChatMessage>> rendered = new ArrayList<>();
        final List<GenerationRequest> submitted = new ArrayList<>();
        final List<Boolean> cancelled = new ArrayList<>();
        int turns;

        @Override public ModelInfo info() { return new ModelInfo("fake", "", "llama", 4096, 4096, 10, 0, "F32"); }
        @Override public int[] tokenize(String text, boolean special) { return new int[text.length()]; }
        @Override public String detokenize(int[] ids) { return ""; }
        @Override public byte[] tokenBytes(int id) { return new byte[0]; }
        @Override public int bosId() { return 0; }
        @Override public boolean addBos() { return true; }
        @Override public List<ToolCall> parseToolCalls(String text) { return List.of(); }
        @Override public void close() { }
        @Override public dev.cria.engine.EngineStats stats() { throw new UnsupportedOperationException(); }
        @Override public dev.cria.grammar.TokenGrammar compileGrammar(dev.cria.grammar.Grammar g) { throw new UnsupportedOperationException(); }

        @Override
        public int[] renderChat(List<ChatMessage> messages, List<Object> tools, boolean addGenerationPrompt) {
            rendered.add(List.copyOf(messages));
            return new int[messages.size()];
        }

        @Override
        public GenerationHandle submit(GenerationRequest request) {
            submitted.add(request);
            int index = cancelled.size();
            cancelled.add(false);
            int n = ++turns;
            List<GenerationEvent> events = new ArrayList<>(List.of(new GenerationEvent.Token(1, "reply ", null),
                    new GenerationEvent.Token(2, Integer.toString(n), null),
                    new GenerationEvent.Finished(FinishReason.STOP, "", new Usage(request.prompt().length, 2, 0))));
            return new GenerationHandle() {
                @Override public GenerationEvent next() { return events.size() > 1 ? events.removeFirst() : events.getFirst(); }
                @Override public GenerationEvent poll(long t, TimeUnit u) { return next(); }
                @Override public void cancel() { cancelled.set(index, true); }
            };
        }
    }

    private static String run(CountingEngine engine, String system, String input) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        new ChatCommand.Session(engine, SamplingParams.greedy(), 64, system, out).run(new BufferedReader(new StringReader(input)));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void answersStreamAndTheHistoryGrowsTurnByTurn() throws Exception {
        CountingEngine engine = new CountingEngine();
        String out = run(engine, "Be brief.", "hello\nand then?\n/exit\nnever read\n");

        assertThat(out).contains("reply 1").contains("reply 2");
        assertThat(engine.rendered.getLast()).containsExactly(ChatMessage.of("system", "Be brief."),
                ChatMessage.of("user", "hello"), ChatMessage.of("assistant", "reply 1"), ChatMessage.of("user", "and then?"));
        assertThat(engine.turns).isEqualTo(2);
    }

    @Test
    void resetKeepsOnlyTheSystemPrompt() throws Exception {
        CountingEngine engine = new CountingEngine();
        run(engine, "Sys", "one\n/reset\ntwo\n");

        assertThat(engine.rendered.getLast()).containsExactly(ChatMessage.of("system", "Sys"), ChatMessage.of("user", "two"));
    }

    @Test
    void endOfInputEndsTheSession() throws Exception {
        CountingEngine engine = new CountingEngine();
        run(engine, null, "");

        assertThat(engine.turns).isZero();
    }

    @Test
    void eachAnswerIsFollowedByItsTokensAndSpeed() throws Exception {
        String out = run(new CountingEngine(), null, "hello\n");

        assertThat(out).containsPattern("reply 1\n\\(2 tokens · first after \\d+\\.\\d\\d s( · [\\d.]+ tokens/s)?\\)\n");
    }

    @Test
    void theWarmupRunsWhileTheUserTypesAndTheFirstQuestionCancelsIt() throws Exception {
        CountingEngine engine = new CountingEngine();
        Warmup warmup = Warmup.start(engine, "Be brief.");
        assertThat(engine.rendered.getFirst().getFirst()).isEqualTo(ChatMessage.of("system", "Be brief."));
        assertThat(engine.cancelled).containsExactly(false);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ChatCommand.Session(engine, SamplingParams.greedy(), 64, "Be brief.", new PrintStream(bytes, true, StandardCharsets.UTF_8),
                false, warmup).run(new BufferedReader(new StringReader("hello\nagain\n")));

        assertThat(engine.cancelled).containsExactly(true, false, false);
        assertThat(engine.submitted.getFirst().maxTokens()).isEqualTo(Warmup.DECODE_TOKENS);
    }
}
