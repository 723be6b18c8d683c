package dev.cria.grammar.json;

/**
 * The string formats the grammar enforces exactly (JSON Schema 2020-12 §7.3), each as a rule for
 * the text between the quotes. Exact means sound: every string the rule takes is valid in the
 * format. Where the format's full set is awkward to write, the rule takes a well-defined subset and
 * says so.
 */
final class StringFormats {
    private final GbnfRules rules;

    StringFormats(GbnfRules rules) {
        this.rules = rules;
    }

    /** The content rule for {@code format}, or null for a format the grammar does not know. */
    String content(String format) {
        return switch (format) {
            case "date" -> date();
            case "time" -> time();
            case "date-time" -> rules.shared("date-time", () -> date() + " \"T\" " + time());
            case "email" -> email();
            case "uuid" -> uuid();
            default -> null;
        };
    }

    /**
     * RFC 3339 §5.6 full-date with the day checked against its month and year (§5.7): 31 days in
     * January, March, May, July, August, October, December; 30 in April, June, September, November;
     * 28 in February, 29 in a leap year: divisible by 4, and a century only when divisible by 400
     * (Gregorian, proleptic for years before 1582 as in ISO 8601, so 0000 is a leap year).
     */
    String date() {
        if (!rules.isDefined("date")) {
            String day28 = "( \"0\" [1-9] | \"1\" [0-9] | \"2\" [0-8] )";
            rules.shared("date-month-day", () -> "( \"0\" [13578] | \"1\" [02] ) \"-\" ( " + day28 + " | \"29\" | \"3\" [01] )"
                    + " | ( \"0\" [469] | \"11\" ) \"-\" ( " + day28 + " | \"29\" | \"30\" )"
                    + " | \"02-\" " + day28);
            // Years divisible by 4 end in 04, 08, 12, ..., 96 (and 00, which is the century case):
            // two digits divisible by 4 are 0[48], [2468][048] or [13579][26]; 00 only when the
            // century's two digits are divisible by 4 themselves (0[048] includes 00 for 0000).
            rules.shared("date-leap-year", () -> "[0-9] [0-9] ( \"0\" [48] | [2468] [048] | [13579] [26] )"
                    + " | ( \"0\" [048] | [2468] [048] | [13579] [26] ) \"00\"");
            rules.shared("date", () -> "[0-9]{4} \"-\" date-month-day | date-leap-year \"-02-29\"");
        }
        return "date";
    }

    /**
     * RFC 3339 §5.6 full-time: {@code HH:MM:SS}, an optional fraction of 1 to 9 digits, and an offset
     * {@code Z} or {@code ±HH:MM}. Narrower than the RFC where common readers are: upper-case
     * {@code Z} only; offsets within ±18:00, the range java.time (and so Jackson and networknt's
     * validator) reads, where the RFC's grammar goes to ±23:59 (no zone is beyond ±14:00); nine
     * fraction digits at most (nanoseconds); seconds 00–59, because a leap second ({@code 60}) is
     * valid only at 23:59 UTC after the offset is applied (§5.7), which a grammar cannot see cheaply.
     */
    String time() {
        if (!rules.isDefined("time")) {
            rules.shared("time-hour", () -> "[01] [0-9] | \"2\" [0-3]");
            rules.shared("time-minute", () -> "[0-5] [0-9]");
            rules.shared("time-offset", () -> "\"Z\" | [-+] ( ( \"0\" [0-9] | \"1\" [0-7] ) \":\" time-minute | \"18:00\" )");
            rules.shared("time", () -> "time-hour \":\" time-minute \":\" time-minute ( \".\" [0-9]{1,9} )? time-offset");
        }
        return "time";
    }

    /**
     * A plain address {@code local@domain} (RFC 5321 §4.1.2 mailbox, the dot-atom forms only): a
     * local part of one to three dot-separated atoms of letters, digits and {@code _ % + -} (at most
     * 50 characters), a domain of one to three labels of letters, digits and inner hyphens (each at
     * most 32 characters) and a top-level domain from {@link #TOP_LEVEL_DOMAINS}: at most 157
     * characters in all, inside RFC 5321's 64-character local part and 254-character path. No quoted
     * local parts, no address literals, no comments. The top-level domain is one of a list because
     * validators check it against IANA's root zone (networknt's, like Apache Commons', refuses
     * {@code a@b.zz}); a model writing an address writes one of these.
     */
    String email() {
        if (!rules.isDefined("email")) {
            rules.shared("email-atom", () -> "[A-Za-z0-9_%+\\x2D]{1,16}");
            rules.shared("email-label", () -> "[A-Za-z0-9] ( [A-Za-z0-9\\x2D]{0,30} [A-Za-z0-9] )?");
            rules.shared("email-tld", () -> String.join(" | ", TOP_LEVEL_DOMAINS.stream().map(Gbnf::literal).toList()));
            rules.shared("email", () -> "email-atom ( \".\" email-atom ){0,2} \"@\" ( email-label \".\" ){1,3} email-tld");
        }
        return "email";
    }

    /** Common IANA top-level domains: generic ones and the larger country codes. */
    static final java.util.List<String> TOP_LEVEL_DOMAINS = java.util.List.of(
            "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "io", "ai", "app", "dev", "co", "me", "tv",
            "us", "uk", "ca", "au", "nz", "ie", "de", "fr", "es", "it", "nl", "be", "ch", "at", "se", "no", "dk", "fi",
            "pl", "pt", "eu", "ru", "jp", "cn", "kr", "in", "sg", "br", "mx", "ar", "za");

    /** RFC 9562 §4 string form: 8-4-4-4-12 hexadecimal digits, either case. */
    String uuid() {
        return rules.shared("uuid", () -> {
            String hex = "[0-9a-fA-F]";
            return hex + "{8} \"-\" " + hex + "{4} \"-\" " + hex + "{4} \"-\" " + hex + "{4} \"-\" " + hex + "{12}";
        });
    }
}
