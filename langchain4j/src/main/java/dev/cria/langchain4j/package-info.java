/**
 * LangChain4j on Cria: {@link dev.cria.langchain4j.CriaChatModel} and
 * {@link dev.cria.langchain4j.CriaStreamingChatModel} run a Llama 3.x model in this JVM through
 * Cria's library API ({@code dev.cria.api}), for {@code AiServices} and everything else that takes a
 * {@code ChatModel}. Tools and JSON Schema response formats are enforced while the model writes, so
 * POJO results parse and obliged tool calls fit their tools.
 */
package dev.cria.langchain4j;
