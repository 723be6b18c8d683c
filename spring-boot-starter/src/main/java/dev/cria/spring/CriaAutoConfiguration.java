package dev.cria.spring;

import dev.cria.api.Cria;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A {@link Cria} bean when {@code cria.model} is set (closed with the context, which releases the model),
 * and LangChain4j's chat models on it when cria-langchain4j is on the class path. An application's own
 * beans of these types win.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "cria", name = "model")
@EnableConfigurationProperties(CriaProperties.class)
public class CriaAutoConfiguration {
    /** The engine, loaded at startup so that a bad model file fails the application's start, not its first request. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Cria cria(CriaProperties properties) {
        Cria.Builder builder = Cria.builder().model(properties.model())
                .threads(properties.threads()).contextSize(properties.contextSize());
        if (properties.parallel() > 0) builder.parallel(properties.parallel());
        return builder.build();
    }

    /** LangChain4j's models on the {@link Cria} bean, for AiServices and Spring beans that take a ChatModel. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "dev.cria.langchain4j.CriaChatModel")
    static class LangChain4jModels {
        @Bean
        @ConditionalOnMissingBean(dev.langchain4j.model.chat.ChatModel.class)
        dev.langchain4j.model.chat.ChatModel criaChatModel(Cria cria) {
            return dev.cria.langchain4j.CriaChatModel.builder().cria(cria).build();
        }

        @Bean
        @ConditionalOnMissingBean(dev.langchain4j.model.chat.StreamingChatModel.class)
        dev.langchain4j.model.chat.StreamingChatModel criaStreamingChatModel(Cria cria) {
            return dev.cria.langchain4j.CriaStreamingChatModel.builder().cria(cria).build();
        }
    }
}
