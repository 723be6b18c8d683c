package dev.cria.examples;

import dev.cria.api.ChatDelta;
import dev.cria.api.ChatOptions;
import dev.cria.api.ChatStream;
import dev.cria.api.Cria;
import dev.cria.api.Message;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A console chat: {@code ConsoleChat MODEL.gguf [MAX_TOKENS]}; one line per turn, /exit (or end of input) ends it. */
public final class ConsoleChat {
    public static void main(String[] args) throws Exception {
        ChatOptions options = ChatOptions.builder().maxTokens(args.length > 1 ? Integer.parseInt(args[1]) : 0).build();
        try (Cria cria = Cria.open(Path.of(args[0]))) {
            List<Message> history = new ArrayList<>(List.of(Message.system("You are a helpful assistant.")));
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            prompt();
            for (String line; (line = in.readLine()) != null && !line.equals("/exit"); prompt()) {
                history.add(Message.user(line));
                StringBuilder answer = new StringBuilder();
                try (ChatStream stream = cria.stream(history, options)) {
                    while (stream.hasNext()) {
                        if (stream.next() instanceof ChatDelta.Text t) {
                            System.out.print(t.text());
                            answer.append(t.text());
                        }
                    }
                }
                history.add(Message.assistant(answer.toString()));
                System.out.println();
            }
        }
    }

    private static void prompt() {
        System.out.print("> ");
        System.out.flush(); // print() does not flush, and the user must see the prompt before typing
    }
}
