package dev.cria.tokenizer;

import dev.cria.io.gguf.GgufFile;
import dev.cria.util.Json;
import dev.cria.util.ModelFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A byte-level BPE vocabulary as a model file stores it.
 *
 * @param tokens       token strings by id, in GPT-2 byte-to-unicode form for ordinary tokens
 *                     ({@code "Ġthe"}), verbatim text for special tokens ({@code "<|eot_id|>"})
 * @param tokenTypes   GGUF {@code tokenizer.ggml.token_type} per id: {@link #NORMAL}, {@link #UNKNOWN},
 *                     {@link #CONTROL}, {@link #USER_DEFINED}, {@link #UNUSED}, {@link #BYTE}
 * @param merges       merges in rank order, each {@code "left right"}
 * @param bosId        beginning-of-text id, or -1
 * @param eosIds       end-of-generation ids the file names (may be empty)
 * @param addBos       whether a prompt starts with BOS
 * @param ignoreMerges a word that is itself a token is emitted whole before any merge (Llama 3:
 *                     HF {@code model.ignore_merges}, llama.cpp for pre-tokenizer {@code llama-bpe})
 */
public record Vocabulary(String[] tokens, int[] tokenTypes, String[] merges, int bosId, int[] eosIds,
                         boolean addBos, boolean ignoreMerges) {
    public static final int NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6;

    /** GGUF {@code tokenizer.ggml.pre} values that name the Llama 3 pre-tokenizer (llama-vocab.cpp). */
    private static final Set<String> LLAMA3_PRE = Set.of("llama-bpe", "llama3", "llama-v3");

    public Vocabulary {
        if (tokens.length == 0) throw new ModelFormatException("tokenizer: empty vocabulary");
        if (tokenTypes.length != tokens.length) {
            throw new ModelFormatException("tokenizer: " + tokens.length + " tokens but " + tokenTypes.length + " token types");
        }
        if (bosId < -1 || bosId >= tokens.length) throw new ModelFormatException("tokenizer: bos id " + bosId + " outside the vocabulary");
        for (int e : eosIds) {
            if (e < 0 || e >= tokens.length) throw new ModelFormatException("tokenizer: eos id " + e + " outside the vocabulary");
        }
    }

    public int size() {
        return tokens.length;
    }

    /** Reads the tokenizer of a llama.cpp GGUF ({@code tokenizer.ggml.*} keys, llama-vocab.cpp {@code load}). */
    public static Vocabulary fromGguf(GgufFile gguf) {
        String file = gguf.path().getFileName().toString();
        String model = gguf.requireString("tokenizer.ggml.model");
        if (!model.equals("gpt2")) {
            throw new ModelFormatException(file + ": tokenizer.ggml.model is '" + model + "'; only 'gpt2' (Llama 3 byte-level BPE) is supported");
        }
        String pre = gguf.getString("tokenizer.ggml.pre", null);
        if (pre == null || !LLAMA3_PRE.contains(pre)) {
            throw new ModelFormatException(file + ": tokenizer.ggml.pre is " + (pre == null ? "missing" : "'" + pre + "'")
                    + "; only the Llama 3 pre-tokenizer ('llama-bpe') is supported");
        }
        if (!(gguf.require("tokenizer.ggml.tokens") instanceof String[] tokens)) {
            throw new ModelFormatException(file + ": tokenizer.ggml.tokens is not an array of strings");
        }
        int[] types;
        Object t = gguf.get("tokenizer.ggml.token_type");
        if (t == null) {
            types = new int[tokens.length];
            Arrays.fill(types, NORMAL);
        } else if (t instanceof int[] a) {
            types = a;
        } else {
            throw new ModelFormatException(file + ": tokenizer.ggml.token_type is not an array of integers");
        }
        if (!(gguf.require("tokenizer.ggml.merges") instanceof String[] merges)) {
            throw new ModelFormatException(file + ": tokenizer.ggml.merges is not an array of strings");
        }
        int bos = (int) gguf.getLong("tokenizer.ggml.bos_token_id", -1);
        Set<Integer> eos = new LinkedHashSet<>();
        for (String key : List.of("tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id")) {
            long id = gguf.getLong(key, -1);
            if (id >= 0) eos.add((int) id);
        }
        boolean addBos = gguf.getBool("tokenizer.ggml.add_bos_token", bos >= 0);
        try {
            return new Vocabulary(tokens, types, merges, bos, eos.stream().mapToInt(Integer::intValue).toArray(), addBos, true);
        } catch (ModelFormatException e) {
            throw new ModelFormatException(file + ": " + e.getMessage());
        }
    }

    /**
     * Reads a Hugging Face {@code tokenizer.json} (BPE model, Llama 3 Split regex + ByteLevel
     * pre-tokenizer). Added tokens flagged {@code special} become {@link #CONTROL}, the others
     * {@link #USER_DEFINED}. BOS comes from the TemplateProcessing post-processor (which also
     * means {@code addBos}); eos ids from a sibling {@code generation_config.json}, else the
     * {@code eos_token} of a sibling {@code tokenizer_config.json}.
     */
    public static Vocabulary fromHfTokenizerJson(Path path) {
        String name = path.getFileName().toString();
        Map<String, Object> root;
        try {
            root = Json.parseObject(Files.readString(path));
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(path + ": no such file");
        } catch (IOException e) {
            throw new ModelFormatException(path + ": cannot read: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(name + ": " + e.getMessage());
        }
        try {
            return fromHfJson(root, path);
        } catch (ClassCastException | NullPointerException e) {
            throw new ModelFormatException(name + ": unexpected structure (" + e.getMessage() + ")");
        } catch (ModelFormatException e) {
            throw new ModelFormatException(name + ": " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static Vocabulary fromHfJson(Map<String, Object> root, Path path) {
        Map<String, Object> model = (Map<String, Object>) root.get("model");
        if (model == null || !"BPE".equals(model.get("type"))) {
            throw new ModelFormatException("model.type is " + (model == null ? "missing" : "'" + model.get("type") + "'") + "; only 'BPE' is supported");
        }
        String regex = findSplitRegex(root.get("pre_tokenizer"));
        if (!Llama3PreTokenizer.REGEX.equals(regex)) {
            throw new ModelFormatException("pre_tokenizer is not the Llama 3 Split regex + ByteLevel (found regex "
                    + (regex == null ? "none" : "'" + regex + "'") + ")");
        }
        Map<String, Object> vocab = (Map<String, Object>) model.get("vocab");
        List<Object> added = root.get("added_tokens") instanceof List<?> l ? (List<Object>) l : List.of();
        int size = 0;
        for (Object id : vocab.values()) size = Math.max(size, ((Long) id).intValue() + 1);
        for (Object a : added) size = Math.max(size, ((Long) ((Map<String, Object>) a).get("id")).intValue() + 1);
        String[] tokens = new String[size];
        int[] types = new int[size];
        for (Map.Entry<String, Object> e : vocab.entrySet()) {
            int id = ((Long) e.getValue()).intValue();
            if (id < 0) throw new ModelFormatException("negative id for token '" + e.getKey() + "'");
            tokens[id] = e.getKey();
            types[id] = NORMAL;
        }
        for (Object o : added) {
            Map<String, Object> a = (Map<String, Object>) o;
            int id = ((Long) a.get("id")).intValue();
            tokens[id] = (String) a.get("content");
            types[id] = Boolean.TRUE.equals(a.get("special")) ? CONTROL : USER_DEFINED;
        }
        for (int i = 0; i < size; i++) {
            if (tokens[i] == null) { tokens[i] = ""; types[i] = UNUSED; }
        }
        List<Object> mergeList = (List<Object>) model.get("merges");
        String[] merges = new String[mergeList.size()];
        for (int i = 0; i < merges.length; i++) {
            Object m = mergeList.get(i);
            merges[i] = m instanceof String s ? s : ((List<Object>) m).get(0) + " " + ((List<Object>) m).get(1);
        }
        boolean ignoreMerges = Boolean.TRUE.equals(model.get("ignore_merges"));

        int bos = -1;
        boolean addBos = false;
        String bosText = templateBos(root.get("post_processor"));
        if (bosText != null) {
            bos = idOf(tokens, bosText);
            addBos = bos >= 0;
        }
        Path dir = path.toAbsolutePath().getParent();
        Map<String, Object> tokConfig = readSibling(dir.resolve("tokenizer_config.json"));
        if (bos < 0 && tokConfig != null) {
            bos = idOf(tokens, tokenContent(tokConfig.get("bos_token")));
            addBos = bos >= 0 && !Boolean.FALSE.equals(tokConfig.get("add_bos_token"));
        }
        Set<Integer> eos = new LinkedHashSet<>();
        Map<String, Object> gen = readSibling(dir.resolve("generation_config.json"));
        if (gen != null) {
            Object e = gen.get("eos_token_id");
            if (e instanceof Long id) eos.add(id.intValue());
            if (e instanceof List<?> ids) for (Object id : ids) eos.add(((Long) id).intValue());
        }
        if (eos.isEmpty() && tokConfig != null) {
            int id = idOf(tokens, tokenContent(tokConfig.get("eos_token")));
            if (id >= 0) eos.add(id);
        }
        return new Vocabulary(tokens, types, merges, bos, eos.stream().mapToInt(Integer::intValue).toArray(), addBos, ignoreMerges);
    }

    @SuppressWarnings("unchecked")
    private static String findSplitRegex(Object pre) {
        if (!(pre instanceof Map<?, ?> m)) return null;
        if ("Split".equals(m.get("type")) && m.get("pattern") instanceof Map<?, ?> p && p.get("Regex") instanceof String r) return r;
        if ("Sequence".equals(m.get("type")) && m.get("pretokenizers") instanceof List<?> list) {
            String found = null;
            boolean byteLevel = false;
            for (Object o : list) {
                String r = findSplitRegex(o);
                if (r != null) found = r;
                if (o instanceof Map<?, ?> mm && "ByteLevel".equals(mm.get("type"))) byteLevel = true;
            }
            return byteLevel ? found : null;
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static String templateBos(Object post) {
        if (!(post instanceof Map<?, ?> m)) return null;
        if ("TemplateProcessing".equals(m.get("type")) && m.get("single") instanceof List<?> single && !single.isEmpty()
                && single.getFirst() instanceof Map<?, ?> first && first.get("SpecialToken") instanceof Map<?, ?> st) {
            return (String) st.get("id");
        }
        if ("Sequence".equals(m.get("type")) && m.get("processors") instanceof List<?> list) {
            for (Object o : list) {
                String s = templateBos(o);
                if (s != null) return s;
            }
        }
        return null;
    }

    private static String tokenContent(Object t) {
        if (t instanceof String s) return s;
        if (t instanceof Map<?, ?> m && m.get("content") instanceof String s) return s;
        return null;
    }

    private static int idOf(String[] tokens, String text) {
        if (text == null) return -1;
        for (int i = tokens.length - 1; i >= 0; i--) if (tokens[i].equals(text)) return i;
        return -1;
    }

    private static Map<String, Object> readSibling(Path p) {
        if (!Files.isRegularFile(p)) return null;
        try {
            return Json.parseObject(Files.readString(p));
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelFormatException(p.getFileName() + ": " + e.getMessage());
        }
    }
}
