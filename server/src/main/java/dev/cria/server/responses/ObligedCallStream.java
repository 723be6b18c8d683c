package dev.cria.server.responses;

import dev.cria.server.responses.ResponseShapes.FunctionCallItem;
import dev.cria.server.structured.ToolCallStream;

import java.util.ArrayList;
import java.util.List;

/**
 * The function calls a grammar obliges, read as they are generated ({@link ToolCallStream}): each
 * call gets its item ids when its name is complete, and its arguments grow fragment by fragment.
 * {@link #accept} answers what the new text started and added, for the stream to send as
 * {@code output_item.added} and {@code function_call_arguments.delta} events.
 */
final class ObligedCallStream {
    /** What new text did to the calls: started call {@code index}, or added {@code fragment} to its arguments. */
    sealed interface Piece {
    }

    record Started(int index) implements Piece {
    }

    record Fragment(int index, String fragment) implements Piece {
    }

    private final List<FunctionCallItem> started = new ArrayList<>();
    private final List<StringBuilder> arguments = new ArrayList<>();
    private final List<Piece> pieces = new ArrayList<>();
    private final ToolCallStream reader = new ToolCallStream(new ToolCallStream.Listener() {
        @Override
        public void callStarted(int index, String name) {
            started.add(FunctionCallItem.of(ResponseIds.functionCall(), ResponseIds.callId(), name, "", "in_progress"));
            arguments.add(new StringBuilder());
            pieces.add(new Started(index));
        }

        @Override
        public void arguments(int index, String fragment) {
            arguments.get(index).append(fragment);
            pieces.add(new Fragment(index, fragment));
        }
    });

    List<Piece> accept(String text) {
        pieces.clear();
        reader.accept(text);
        return List.copyOf(pieces);
    }

    int size() {
        return started.size();
    }

    /** Call {@code index}'s item id ({@code fc_…}). */
    String itemId(int index) {
        return started.get(index).id();
    }

    /** Call {@code index} with its arguments so far, under {@code status}. */
    FunctionCallItem item(int index, String status) {
        FunctionCallItem c = started.get(index);
        return FunctionCallItem.of(c.id(), c.callId(), c.name(), arguments.get(index).toString(), status);
    }

    /** Every call, whole, under {@code status}: the response's output. */
    List<FunctionCallItem> items(String status) {
        List<FunctionCallItem> out = new ArrayList<>(started.size());
        for (int i = 0; i < started.size(); i++) out.add(item(i, status));
        return out;
    }
}
