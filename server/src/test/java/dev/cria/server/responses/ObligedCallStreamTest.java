package dev.cria.server.responses;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ObligedCallStreamTest {
    private static final String TWO_CALLS = "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}; "
            + "{\"name\": \"get_time\", \"parameters\": {\"zone\": \"CET\"}}";

    @Test
    void aCallStartsOnceItsNameIsWrittenAndItsArgumentsFollowInPieces() {
        ObligedCallStream calls = new ObligedCallStream();
        List<ObligedCallStream.Piece> pieces = new ArrayList<>();
        for (int i = 0; i < TWO_CALLS.length(); i += 5) {
            pieces.addAll(calls.accept(TWO_CALLS.substring(i, Math.min(i + 5, TWO_CALLS.length()))));
        }

        assertThat(pieces.getFirst()).isEqualTo(new ObligedCallStream.Started(0));
        assertThat(pieces.stream().filter(p -> p instanceof ObligedCallStream.Started).toList())
                .containsExactly(new ObligedCallStream.Started(0), new ObligedCallStream.Started(1));
        StringBuilder first = new StringBuilder();
        for (ObligedCallStream.Piece p : pieces) {
            if (p instanceof ObligedCallStream.Fragment(int index, String fragment) && index == 0) first.append(fragment);
        }
        assertThat(first.toString()).isEqualTo("{\"city\": \"Paris\"}");
    }

    @Test
    void eachCallIsAFunctionCallItemWithItsOwnIdsNameAndWholeArguments() {
        ObligedCallStream calls = new ObligedCallStream();
        calls.accept(TWO_CALLS);

        List<ResponseShapes.FunctionCallItem> items = calls.items("completed");
        assertThat(items).extracting(ResponseShapes.FunctionCallItem::name).containsExactly("get_weather", "get_time");
        assertThat(items).extracting(ResponseShapes.FunctionCallItem::arguments).containsExactly("{\"city\": \"Paris\"}", "{\"zone\": \"CET\"}");
        assertThat(items.get(0).id()).startsWith("fc_").isNotEqualTo(items.get(1).id());
        assertThat(items.get(0).callId()).startsWith("call_");
        assertThat(items).allMatch(c -> c.status().equals("completed"));
    }
}
