package dev.cria.server.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.engine.Engine;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.RequestFields;
import dev.cria.server.serving.CpuWork;
import dev.cria.server.serving.ServerState;
import io.javalin.http.Context;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tokenize} and {@code POST /detokenize} in llama.cpp server's shapes (tools/server
 * README): {@code {"content", "add_special"=false, "parse_special"=true, "with_pieces"=false}} →
 * {@code {"tokens": [...]}}, and {@code {"tokens": [...]}} → {@code {"content": "..."}}.
 */
public final class Tokenize {
    private final ServerState state;

    public Tokenize(ServerState state) {
        this.state = state;
    }

    public void tokenize(Context ctx) throws InterruptedException {
        Engine engine = state.engine();
        byte[] body = ctx.bodyAsBytes();
        // Off the request's virtual thread: a large text is seconds of CPU (see CpuWork).
        ctx.contentType("application/json");
        ctx.result(CpuWork.call(() -> tokens(engine, RequestFields.of(ApiJson.parseObject(body)))));
    }

    private static byte[] tokens(Engine engine, RequestFields f) {
        String content = f.requiredString("content");
        boolean addSpecial = f.bool("add_special", false);
        boolean parseSpecial = f.bool("parse_special", true);
        boolean withPieces = f.bool("with_pieces", false);
        int[] ids = engine.tokenize(content, parseSpecial);
        List<Object> tokens = new ArrayList<>(ids.length + 1);
        if (addSpecial && engine.addBos() && (ids.length == 0 || ids[0] != engine.bosId())) {
            tokens.add(token(engine, engine.bosId(), withPieces));
        }
        for (int id : ids) tokens.add(token(engine, id, withPieces));
        return ApiJson.bytes(Map.of("tokens", tokens));
    }

    /** With pieces: {@code {"id", "piece"}}, the piece a string when its bytes are valid UTF-8, else the byte values. */
    private static Object token(Engine engine, int id, boolean withPieces) {
        if (!withPieces) return id;
        byte[] bytes = engine.tokenBytes(id);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("id", id);
        try {
            t.put("piece", StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            List<Integer> raw = new ArrayList<>(bytes.length);
            for (byte b : bytes) raw.add(b & 0xFF);
            t.put("piece", raw);
        }
        return t;
    }

    public void detokenize(Context ctx) {
        Engine engine = state.engine();
        RequestFields f = RequestFields.of(ApiJson.parseObject(ctx.bodyAsBytes()));
        JsonNode v = f.get("tokens");
        if (v == null) throw ApiError.badRequest("Missing required parameter: 'tokens'.", "tokens");
        if (!v.isArray()) throw f.wrongType("tokens", "an array of token ids", v);
        int[] ids = f.tokenIds("tokens", v, v, engine.info().vocabSize());
        ctx.contentType("application/json");
        ctx.result(ApiJson.bytes(Map.of("content", engine.detokenize(ids))));
    }
}
