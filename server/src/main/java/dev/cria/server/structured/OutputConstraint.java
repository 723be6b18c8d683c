package dev.cria.server.structured;

/**
 * What an answer must follow, as GBNF text (llama.cpp's grammar format), and the request field it
 * came from, which a grammar the engine cannot enforce is reported against.
 *
 * @param gbnf  the grammar, root rule {@code root}
 * @param param the field for errors ({@code response_format}, {@code tools[2].function.parameters}, ...)
 * @param toolCalls true when the grammar is that of tool calls (the answer is then calls, never text)
 */
public record OutputConstraint(String gbnf, String param, boolean toolCalls) {
}
