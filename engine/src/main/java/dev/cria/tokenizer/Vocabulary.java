package dev.cria.tokenizer;

import dev.cria.util.ModelFormatException;
import dev.cria.util.StrictJson;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A byte-level BPE vocabulary as a model file stores it, in plain arrays: the loader reads a GGUF's
 * {@code tokenizer.ggml.*} keys into one ({@code loader.GgufTokenizerKeys}); {@link #fromHfTokenizerJson}
 * reads a Hugging Face tokenizer.json, JSON that {@code util.StrictJson} parses, so this package
 * imports no file-format reader.
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

    /**
     * Reads a Hugging Face {@code tokenizer.json} (BPE model, Llama 3 Split regex + ByteLevel
     * pre-tokenizer). Added tokens flagged {@code special} become {@link #CONTROL}, the others
     * {@link #USER_DEFINED}. BOS comes from the TemplateProcessing post-processor (which also
     * means {@code addBos}); eos ids from a sibling {@code generation_config.json}, else the
     * {@code eos_token} of a sibling {@code tokenizer_config.json}. Every problem is a
     * {@link ModelFormatException} whose one line names the file that has it, and the key.
     */
    public static Vocabulary fromHfTokenizerJson(Path path) {
        if (!Files.exists(path)) throw new ModelFormatException(path + ": no such file");
        String name = path.getFileName().toString();
        HfTokens hf = HfTokens.of(StrictJson.readObjectFile(path, name), name);

        int bos = -1;
        boolean addBos = false;
        if (hf.bosText() != null) {
            bos = idOf(hf.tokens(), hf.bosText());
            addBos = bos >= 0;
        }
        Path dir = path.toAbsolutePath().getParent();
        Map<String, Object> tokConfig = readSibling(dir.resolve("tokenizer_config.json"));
        if (bos < 0 && tokConfig != null) {
            bos = idOf(hf.tokens(), tokenContent(tokConfig.get("bos_token")));
            addBos = bos >= 0 && !Boolean.FALSE.equals(tokConfig.get("add_bos_token"));
        }
        Set<Integer> eos = new LinkedHashSet<>();
        Map<String, Object> gen = readSibling(dir.resolve("generation_config.json"));
        if (gen != null) eos.addAll(generationEosIds(gen.get("eos_token_id"), hf.tokens().length));
        if (eos.isEmpty() && tokConfig != null) {
            int id = idOf(hf.tokens(), tokenContent(tokConfig.get("eos_token")));
            if (id >= 0) eos.add(id);
        }
        try {
            return new Vocabulary(hf.tokens(), hf.types(), hf.merges(), bos, eos.stream().mapToInt(Integer::intValue).toArray(),
                    addBos, hf.ignoreMerges());
        } catch (ModelFormatException e) {
            throw new ModelFormatException(name + ": " + e.getMessage());
        }
    }

    /** {@code eos_token_id} of generation_config.json: an id or a list of ids (transformers allows both). */
    private static List<Integer> generationEosIds(Object value, int vocabSize) {
        if (value == null) return List.of();
        List<Integer> out = new java.util.ArrayList<>();
        for (Object id : value instanceof List<?> list ? list : List.of(value)) {
            if (!(id instanceof Long l) || l < 0 || l >= vocabSize) {
                throw new ModelFormatException("generation_config.json: key 'eos_token_id' must be a token id or a list of token ids "
                        + "in 0.." + (vocabSize - 1) + ", got " + StrictJson.brief(value, 80));
            }
            out.add((int) (long) l);
        }
        return out;
    }

    /** What tokenizer.json itself says: tokens and types by id, merges, the post-processor's BOS text. */
    private record HfTokens(String[] tokens, int[] types, String[] merges, boolean ignoreMerges, String bosText) {
        static HfTokens of(Map<String, Object> root, String file) {
            if (!(root.get("model") instanceof Map<?, ?> model) || !"BPE".equals(model.get("type"))) {
                Object type = root.get("model") instanceof Map<?, ?> m ? m.get("type") : null;
                throw fail(file, "model.type is " + (type == null ? "missing" : StrictJson.brief(type, 40)) + "; only 'BPE' is supported");
            }
            String regex = findSplitRegex(root.get("pre_tokenizer"));
            if (!Llama3PreTokenizer.REGEX.equals(regex)) {
                throw fail(file, "pre_tokenizer is not the Llama 3 Split regex + ByteLevel (found regex "
                        + (regex == null ? "none" : "'" + regex + "'") + ")");
            }
            if (!(model.get("vocab") instanceof Map<?, ?> vocab)) {
                throw fail(file, "model.vocab must be an object of token → id, got " + StrictJson.brief(model.get("vocab"), 40));
            }
            Object addedValue = root.get("added_tokens");
            if (addedValue != null && !(addedValue instanceof List<?>)) {
                throw fail(file, "added_tokens must be an array, got " + StrictJson.brief(addedValue, 40));
            }
            List<?> added = addedValue == null ? List.of() : (List<?>) addedValue;
            // Ids are dense in practice; holes become UNUSED tokens. Bounding ids by the number of
            // entries keeps the arrays the size of what the file holds: an id of 10^9 is an error,
            // not a 10^9-entry allocation.
            long bound = (long) vocab.size() + added.size();
            String[] tokens = new String[(int) Math.min(bound, Integer.MAX_VALUE)];
            int[] types = new int[tokens.length];
            int size = 0;
            for (var e : vocab.entrySet()) {
                int id = id(e.getValue(), bound, file, "model.vocab[" + StrictJson.brief(e.getKey(), 40) + "]");
                tokens[id] = (String) e.getKey();
                types[id] = NORMAL;
                size = Math.max(size, id + 1);
            }
            for (int i = 0; i < added.size(); i++) {
                String key = "added_tokens[" + i + "]";
                if (!(added.get(i) instanceof Map<?, ?> a)) throw fail(file, key + " must be an object, got " + StrictJson.brief(added.get(i), 40));
                int id = id(a.get("id"), bound, file, key + ".id");
                if (!(a.get("content") instanceof String content)) {
                    throw fail(file, key + ".content must be a string, got " + StrictJson.brief(a.get("content"), 40));
                }
                tokens[id] = content;
                types[id] = Boolean.TRUE.equals(a.get("special")) ? CONTROL : USER_DEFINED;
                size = Math.max(size, id + 1);
            }
            tokens = Arrays.copyOf(tokens, size);
            types = Arrays.copyOf(types, size);
            for (int i = 0; i < size; i++) {
                if (tokens[i] == null) { tokens[i] = ""; types[i] = UNUSED; }
            }
            if (!(model.get("merges") instanceof List<?> mergeList)) {
                throw fail(file, "model.merges must be an array, got " + StrictJson.brief(model.get("merges"), 40));
            }
            String[] merges = new String[mergeList.size()];
            for (int i = 0; i < merges.length; i++) {
                // tokenizers 0.20+ writes a merge as ["left", "right"], older versions as "left right".
                Object m = mergeList.get(i);
                if (m instanceof String str) {
                    merges[i] = str;
                } else if (m instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof String left
                        && pair.get(1) instanceof String right) {
                    merges[i] = left + " " + right;
                }
                // Tokenizer splits at the first space after the first character (llama.cpp find(' ', 1)):
                // a merge without one ("ab", or ["", "b"]) has no left and right.
                if (merges[i] == null || merges[i].indexOf(' ', 1) < 0) {
                    throw fail(file, "model.merges[" + i + "] must be \"left right\" or [\"left\", \"right\"], got "
                            + StrictJson.brief(m, 40));
                }
            }
            return new HfTokens(tokens, types, merges, Boolean.TRUE.equals(model.get("ignore_merges")),
                    templateBos(root.get("post_processor")));
        }

        private static int id(Object value, long bound, String file, String key) {
            if (value instanceof Long id && id >= 0 && id < bound) return (int) (long) id;
            throw fail(file, key + " must be a token id in 0.." + (bound - 1) + " (the file lists " + bound
                    + " tokens), got " + StrictJson.brief(value, 40));
        }

        private static ModelFormatException fail(String file, String what) {
            return new ModelFormatException(file + ": " + what);
        }
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
            return st.get("id") instanceof String id ? id : null;
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
        return StrictJson.readObjectFile(p, p.getFileName().toString());
    }
}
