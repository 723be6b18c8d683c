package dev.cria.grammar.json;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static dev.cria.grammar.json.SchemaFixture.refused;
import static dev.cria.grammar.json.SchemaFixture.schema;
import static org.assertj.core.api.Assertions.assertThat;

/** Formats date, time, date-time (RFC 3339 §5.6), email, uuid: every string the grammar takes is valid. */
class JsonSchemaFormatTest {
    private static final SchemaFixture DATE = schema("{\"type\": \"string\", \"format\": \"date\"}");

    @Test
    void aDateIsARealCalendarDate() {
        DATE.accepts("\"2024-01-31\"", "\"2024-04-30\"", "\"1999-12-01\"", "\"0001-01-01\"")
                .rejectsInvalid("\"2024-04-31\"", "\"2024-06-31\"", "\"2024-13-01\"", "\"2024-00-10\"", "\"2024-01-00\"",
                        "\"2024-01-32\"", "\"24-01-01\"", "\"2024-1-01\"", "\"2024/01/01\"");
    }

    @Test
    void february29OnlyInLeapYears() {
        // Divisible by 4, and a century only when divisible by 400 (Gregorian).
        DATE.accepts("\"2024-02-29\"", "\"2000-02-29\"", "\"1996-02-29\"", "\"2400-02-29\"", "\"2024-02-28\"")
                .rejectsInvalid("\"2023-02-29\"", "\"1900-02-29\"", "\"2100-02-29\"", "\"2024-02-30\"");
    }

    @Test
    void february29MatchesTheCalendarForEveryYear() {
        for (int year = 0; year <= 9999; year++) {
            String instance = String.format("\"%04d-02-29\"", year);
            boolean leap = LocalDate.of(year, 1, 1).isLeapYear();
            assertThat(DATE.matches(instance)).as(instance).isEqualTo(leap);
        }
    }

    @Test
    void everyDayOfAYearAndNoOther() {
        for (int month = 1; month <= 12; month++) {
            for (int day = 1; day <= 31; day++) {
                String instance = String.format("\"2023-%02d-%02d\"", month, day);
                boolean real = day <= LocalDate.of(2023, month, 1).lengthOfMonth();
                assertThat(DATE.matches(instance)).as(instance).isEqualTo(real);
            }
        }
    }

    @Test
    void aTimeHasSecondsAndAnOffset() {
        schema("{\"type\": \"string\", \"format\": \"time\"}")
                .accepts("\"00:00:00Z\"", "\"23:59:59+05:30\"", "\"12:30:15.123456-08:00\"")
                .rejectsInvalid("\"24:00:00Z\"", "\"12:60:00Z\"", "\"12:30Z\"", "\"12:30:00+24:00\"", "\"1:30:00Z\"")
                .rejects("\"12:30:00\"", "\"23:59:60Z\"") // no offset: not RFC 3339; leap seconds left out
                .rejects("\"12:00:00+18:01\"", "\"12:00:00-23:00\""); // beyond java.time's ±18:00
        schema("{\"type\": \"string\", \"format\": \"date-time\"}").accepts("\"2020-01-01T00:00:00+18:00\"", "\"2020-01-01T00:00:00-17:59\"");
    }

    @Test
    void aDateTimeIsADateTAndATime() {
        schema("{\"type\": \"string\", \"format\": \"date-time\"}")
                .accepts("\"2024-02-29T13:45:00Z\"", "\"1970-01-01T00:00:00.5+01:00\"")
                .rejectsInvalid("\"2023-02-29T13:45:00Z\"", "\"2024-02-29T25:00:00Z\"", "\"2024-02-29T13:45Z\"")
                .rejects("\"2024-02-29 13:45:00Z\""); // RFC 3339 §5.6 lets applications read a space; the grammar writes T
    }

    @Test
    void anEmailIsAPlainLocalAtDomain() {
        schema("{\"type\": \"string\", \"format\": \"email\"}")
                .accepts("\"ada@example.com\"", "\"first.last+tag@mail.example.org\"", "\"x_y-z@a-b.co.uk\"")
                .rejectsInvalid("\"ada\"", "\"@example.com\"", "\"ada@\"", "\"a@@b.com\"", "\"a b@c.com\"")
                .rejectsInvalid("\"ada@example.zz\"") // not a top-level domain
                .rejects("\"a..b@c.com\"", "\".a@c.com\"", "\"a@-b.com\"", "\"a@b\"",
                        "\"" + "a".repeat(17) + "@b.com\""); // bounded: 16 characters an atom
    }

    @Test
    void aUuidIsHexInFiveGroups() {
        schema("{\"type\": \"string\", \"format\": \"uuid\"}")
                .accepts("\"123e4567-e89b-12d3-a456-426614174000\"", "\"00000000-0000-0000-0000-000000000000\"", "\"ABCDEF01-2345-6789-ABCD-EF0123456789\"")
                .rejectsInvalid("\"123e4567e89b12d3a456426614174000\"", "\"123e4567-e89b-12d3-a456-42661417400g\"", "\"123e4567-e89b-12d3-a456-4266141740000\"");
    }

    @Test
    void otherFormatsAreRefused() {
        refused("{\"type\": \"string\", \"format\": \"uri\"}", "format", "/format");
        refused("{\"properties\": {\"ip\": {\"type\": \"string\", \"format\": \"ipv4\"}}}", "format", "/properties/ip/format");
    }

    @Test
    void lengthsBesideAFormatAreRefused() {
        refused("{\"type\": \"string\", \"format\": \"date\", \"maxLength\": 10}", "maxLength", "/maxLength");
    }
}
