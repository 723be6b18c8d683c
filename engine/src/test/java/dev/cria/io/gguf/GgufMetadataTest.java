package dev.cria.io.gguf;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.cria.io.gguf.GgufTestFiles.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Every GGUF metadata value type (spec "gguf_metadata_value_type") reads back as written. */
class GgufMetadataTest {
    @TempDir
    static Path dir;
    static GgufFile f;

    @BeforeAll
    static void writeEveryType() {
        Path p = gguf()
                .kv("u8", UINT8, b -> b.u8(250))
                .kv("i8", INT8, b -> b.u8(-5))
                .kv("u16", UINT16, b -> b.u16(65000))
                .kv("i16", INT16, b -> b.u16(-1234))
                .kv("u32", UINT32, b -> b.u32(0xFFFF_FFF0))
                .kv("i32", INT32, b -> b.u32(-123456))
                .kv("f32", FLOAT32, b -> b.f32(1e-5f))
                .kv("bool", BOOL, b -> b.u8(1))
                .kv("string", STRING, b -> b.str("héllo ✓"))
                .kv("u64", UINT64, b -> b.u64(1L << 40))
                .kv("i64", INT64, b -> b.u64(-(1L << 40)))
                .kv("f64", FLOAT64, b -> b.f64(500000.25))
                .array("a.u8", UINT8, 2, b -> b.u8(0).u8(255))
                .array("a.i8", INT8, 2, b -> b.u8(-128).u8(127))
                .array("a.u16", UINT16, 2, b -> b.u16(0).u16(65535))
                .array("a.i16", INT16, 2, b -> b.u16(-32768).u16(32767))
                .array("a.u32", UINT32, 2, b -> b.u32(7).u32(0xFFFF_FFFF))
                .array("a.i32", INT32, 3, b -> b.u32(1).u32(-2).u32(3))
                .array("a.f32", FLOAT32, 2, b -> b.f32(0.5f).f32(-3.25f))
                .array("a.bool", BOOL, 3, b -> b.u8(1).u8(0).u8(1))
                .array("a.string", STRING, 3, b -> b.str("Ġthe").str("").str("<|eot_id|>"))
                .array("a.u64", UINT64, 2, b -> b.u64(0).u64(Long.MAX_VALUE))
                .array("a.i64", INT64, 2, b -> b.u64(-1).u64(42))
                .array("a.f64", FLOAT64, 2, b -> b.f64(Math.PI).f64(-0.0))
                .array("a.empty", INT32, 0, b -> { })
                .array("a.nested", ARRAY, 2, b -> {
                    b.u32(INT32).u64(2).u32(1).u32(2);
                    b.u32(ARRAY).u64(1).u32(STRING).u64(1).str("deep");
                })
                .write(dir.resolve("types.gguf"));
        f = GgufFile.open(p);
    }

    @AfterAll
    static void close() {
        f.close();
    }

    @Test
    void unsignedAndSignedIntegersOfEveryWidthAreLongs() {
        assertThat(f.get("u8")).isEqualTo(250L);
        assertThat(f.get("i8")).isEqualTo(-5L);
        assertThat(f.get("u16")).isEqualTo(65000L);
        assertThat(f.get("i16")).isEqualTo(-1234L);
        assertThat(f.get("u32")).isEqualTo(0xFFFF_FFF0L);
        assertThat(f.get("i32")).isEqualTo(-123456L);
        assertThat(f.get("u64")).isEqualTo(1L << 40);
        assertThat(f.get("i64")).isEqualTo(-(1L << 40));
    }

    @Test
    void floatsAreDoublesWithTheirExactValue() {
        assertThat(f.get("f32")).isEqualTo((double) 1e-5f);
        assertThat(f.get("f64")).isEqualTo(500000.25);
        assertThat(f.requireDouble("u32")).isEqualTo(4294967280.0);
    }

    @Test
    void boolAndUtf8String() {
        assertThat(f.getBool("bool", false)).isTrue();
        assertThat(f.requireString("string")).isEqualTo("héllo ✓");
    }

    @Test
    void smallIntegerArraysAreIntArrays() {
        assertThat((int[]) f.get("a.u8")).containsExactly(0, 255);
        assertThat((int[]) f.get("a.i8")).containsExactly(-128, 127);
        assertThat((int[]) f.get("a.u16")).containsExactly(0, 65535);
        assertThat((int[]) f.get("a.i16")).containsExactly(-32768, 32767);
        assertThat((int[]) f.get("a.i32")).containsExactly(1, -2, 3);
        // UINT32 keeps its bits
        assertThat(Integer.toUnsignedLong(((int[]) f.get("a.u32"))[1])).isEqualTo(0xFFFF_FFFFL);
        assertThat((int[]) f.get("a.empty")).isEmpty();
    }

    @Test
    void wideAndFloatArrays() {
        assertThat((long[]) f.get("a.u64")).containsExactly(0, Long.MAX_VALUE);
        assertThat((long[]) f.get("a.i64")).containsExactly(-1, 42);
        assertThat((float[]) f.get("a.f32")).containsExactly(0.5f, -3.25f);
        assertThat((double[]) f.get("a.f64")).containsExactly(Math.PI, -0.0);
    }

    @Test
    void boolAndStringArrays() {
        assertThat((boolean[]) f.get("a.bool")).containsExactly(true, false, true);
        assertThat((String[]) f.get("a.string")).containsExactly("Ġthe", "", "<|eot_id|>");
    }

    @Test
    void nestedArraysAreObjectArraysOfArrays() {
        Object[] nested = (Object[]) f.get("a.nested");
        assertThat(nested).hasSize(2);
        assertThat((int[]) nested[0]).containsExactly(1, 2);
        Object[] inner = (Object[]) nested[1];
        assertThat((String[]) inner[0]).containsExactly("deep");
    }

    @Test
    void keysKeepFileOrder() {
        assertThat(f.metadata().keySet()).startsWith("u8", "i8", "u16", "i16", "u32").endsWith("a.empty", "a.nested");
    }
}
