package dev.cria.guard;

/**
 * One message of the conversation Llama Guard judges: the user's ({@code agent == false}) or the
 * model's ({@code agent == true}), as plain text. The template names them "User" and "Agent".
 */
public record GuardTurn(boolean agent, String text) {
    public GuardTurn {
        if (text == null) text = "";
    }

    public static GuardTurn user(String text) {
        return new GuardTurn(false, text);
    }

    public static GuardTurn agent(String text) {
        return new GuardTurn(true, text);
    }
}
