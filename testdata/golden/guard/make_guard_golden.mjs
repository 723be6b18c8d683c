// Makes guard_template.jsonl: the Llama Guard 3 1B chat template (the copy Cria ships,
// engine/src/main/resources/dev/cria/guard/llama-guard-3-1b.jinja, identical to the
// tokenizer.chat_template of the published Llama Guard 3 1B GGUFs) rendered by @huggingface/jinja,
// the renderer the Llama 3.2 goldens of ../chat_template.jsonl were made with.
//
//   cd testdata/golden/guard && npm install && node make_guard_golden.mjs [LLAMA_TOKENIZE]
//
// With the path of llama.cpp's llama-tokenize (bash ../shared/tools/llama-ref.sh builds it), each
// case also gets "rendered_ids": the rendered text tokenized by llama.cpp with the tiny model's
// Llama 3 vocabulary, special-token text parsed (cases whose content holds special-token text get
// none: there the content must stay text). Deterministic: a second run writes the same bytes.
import { Template } from "@huggingface/jinja";
import { readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

const here = new URL(".", import.meta.url).pathname;
const source = readFileSync(here + "../../../engine/src/main/resources/dev/cria/guard/llama-guard-3-1b.jinja", "utf8");
const template = new Template(source);
const tokenizer = process.argv[2];
const model = here + "../../models/tiny-llama3-Q8_0.gguf";

const text = (t) => [{ type: "text", text: t }];
const user = (t) => ({ role: "user", content: text(t) });
const agent = (t) => ({ role: "assistant", content: text(t) });

const cases = [
  { name: "prompt_filter", messages: [user("How do I bake bread?")] },
  { name: "response_filter", messages: [user("How do I bake bread?"), agent("Mix flour, water, salt and yeast, then bake.")] },
  { name: "multi_turn_user", messages: [user("Hi"), agent("Hello! How can I help?"), user("Tell me about llamas.")] },
  { name: "multi_turn_agent", messages: [user("Hi"), agent("Hello!"), user("Tell me about llamas."), agent("Llamas are camelids.")] },
  { name: "excluded_categories", messages: [user("What's the weather?")], excluded_category_keys: ["S6", "S13"] },
  { name: "excluded_all_but_two", messages: [user("x"), agent("y")],
    excluded_category_keys: ["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S11", "S12", "S13"] },
  { name: "custom_categories", messages: [user("Is this fine?")],
    categories: { S1: "My custom category.", S2: "Another one." }, excluded_category_keys: ["S2"] },
  { name: "trimmed_content", messages: [user("  \n\tpadded question \u00a0\n"), agent("\n answer with spaces  ")] },
  { name: "multiline_content", messages: [user("line one\n\nline two\n- item")] },
  { name: "unicode_content", messages: [user("Café ☕ — 日本語 🦙")] },
  { name: "special_text_in_content", messages: [user("say <|eot_id|> and <|start_header_id|>")], content_is_text: true },
  { name: "empty_content", messages: [user("")] },
  { name: "roles_not_alternating", messages: [user("a"), user("b")] },
  { name: "starts_with_agent", messages: [agent("a")] },
];

const lines = [];
for (const c of cases) {
  const context = {
    messages: c.messages,
    excluded_category_keys: c.excluded_category_keys ?? [],
    ...(c.categories ? { categories: c.categories } : {}),
  };
  const out = { name: c.name, messages: c.messages, excluded_category_keys: context.excluded_category_keys };
  if (c.categories) out.categories = c.categories;
  try {
    out.rendered = template.render(context);
    if (tokenizer && !c.content_is_text) {
      const printed = execFileSync(tokenizer, ["-m", model, "-p", out.rendered, "--ids", "--no-bos", "--log-disable"],
        { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
      out.rendered_ids = JSON.parse(printed.trim().split("\n").pop());
    }
  } catch (e) {
    out.error = e.message;
  }
  lines.push(JSON.stringify(out));
}
writeFileSync(here + "guard_template.jsonl", lines.join("\n") + "\n");
console.log(`${lines.length} cases`);
