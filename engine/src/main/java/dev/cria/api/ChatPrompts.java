package dev.cria.api;

import dev.cria.chat.ChatMessage;
import dev.cria.chat.TemplateTools;
import dev.cria.engine.Engine;
import dev.cria.util.StrictJson;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The library's messages and tools in the chat template's terms: {@link ChatMessage}s, and tools as
 * the OpenAI-shaped plain values the template and the tool-call grammar take. Also turns the engine's
 * parsed calls back into the library's {@link ToolCall}s.
 */
final class ChatPrompts {
    private final Engine engine;

    ChatPrompts(Engine engine) {
        this.engine = engine;
    }

    int[] render(List<Message> messages, List<Tool> tools) {
        if (messages.isEmpty()) throw new IllegalArgumentException("messages must not be empty");
        List<ChatMessage> chat = messages.stream().map(ChatPrompts::chatMessage).toList();
        // No tools is null, never []: the Llama 3.2 template tests `tools is not none`, so an empty
        // list would render the "Environment: ipython" preamble.
        return engine.renderChat(chat, tools.isEmpty() ? null : templateTools(tools), true);
    }

    List<ToolCall> parseToolCalls(String text) {
        return engine.parseToolCalls(text).stream()
                .map(c -> new ToolCall(c.id(), c.name(), c.arguments() instanceof String s ? s
                        : StrictJson.toJson(c.arguments() == null ? Map.of() : c.arguments())))
                .toList();
    }

    static List<Object> templateTools(List<Tool> tools) {
        List<Object> out = new ArrayList<>(tools.size());
        for (Tool t : tools) {
            Map<String, Object> function = new LinkedHashMap<>();
            function.put("name", t.name());
            if (t.description() != null) function.put("description", t.description());
            function.put("parameters", t.parameters() == null ? TemplateTools.noParameters()
                    : PlainValues.normalized(t.parameters()));
            if (t.strict()) function.put("strict", true);
            out.add(TemplateTools.function(function));
        }
        return out;
    }

    private static ChatMessage chatMessage(Message m) {
        List<dev.cria.chat.ToolCall> calls = m.toolCalls().stream()
                .map(c -> new dev.cria.chat.ToolCall(c.id(), c.name(), arguments(c.arguments())))
                .toList();
        Object content = m.role() == Role.ASSISTANT && m.text().isEmpty() && !calls.isEmpty() ? null : m.text();
        return new ChatMessage(m.role().templateName(), content, calls);
    }

    /** Arguments as the template renders them: the JSON value, or the text when it is not JSON. */
    private static Object arguments(String json) {
        try {
            return StrictJson.parse(json);
        } catch (IllegalArgumentException e) {
            return json;
        }
    }
}
