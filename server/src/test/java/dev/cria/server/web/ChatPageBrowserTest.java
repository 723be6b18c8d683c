package dev.cria.server.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cria.server.ScriptedEngine;
import dev.cria.server.ServerOptions;
import dev.cria.server.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat page in a real browser, as a person uses it: Debian's chromium, headless, driven through
 * chromium-driver. The answer test runs on the tiny model; the stop test on a scripted engine that
 * sends a token every 50 ms, so the page is still streaming when Stop is clicked.
 */
class ChatPageBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String API_KEY = "sk-browser";
    private static TestServers.Running tiny;
    private static TestServers.Running slow;
    private static ScriptedEngine slowEngine;
    private static TestServers.Running keyed;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() {
        tiny = TestServers.start();
        slowEngine = new ScriptedEngine(4096, 8, Duration.ofMillis(50));
        slow = TestServers.scripted(slowEngine, ServerOptions.defaults());
        keyed = TestServers.scripted(ScriptedEngine.quick(), ServerOptions.defaults().withApiKeys(List.of(API_KEY)));
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium")
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1000,760");
        browser = new ChromeDriver(driver, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        tiny.close();
        slow.close();
        keyed.close();
    }

    private WebElement find(String css) {
        return browser.findElement(By.cssSelector(css));
    }

    private void waitUntil(String what, java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser, WAIT).withMessage(what).until(d -> condition.getAsBoolean());
    }

    /** Opens the page of a server as a first visit (each server is its own origin, with its own storage). */
    private void open(TestServers.Running server) {
        browser.get(server.baseUrl() + "/");
        browser.executeScript("localStorage.clear()");
        browser.navigate().refresh();
        waitUntil("the page shows the model", () -> !find("#model").getText().equals("…"));
    }

    private void say(String text) {
        find("#message").sendKeys(text, Keys.ENTER);
    }

    private String answer() {
        List<WebElement> answers = browser.findElements(By.cssSelector(".message.assistant .content"));
        return answers.isEmpty() ? "" : answers.getLast().getText();
    }

    @Test
    void aMessageGetsTheModelsAnswerWithItsSpeedUnderTheServedModelsName() throws Exception {
        open(tiny);
        find("#toggle-settings").click();
        find("#temperature").clear();
        find("#temperature").sendKeys("0");
        find("#max-tokens").sendKeys("48");

        say("Hello!");

        waitUntil("the answer is complete", () -> find("#send").isDisplayed()
                && !browser.findElements(By.cssSelector(".message.assistant .stats")).isEmpty()
                && find(".message.assistant .stats").getText().contains("tokens"));
        assertThat(find("#model").getText()).isEqualTo(servedModel());
        assertThat(find(".message.user .content").getText()).isEqualTo("Hello!");
        assertThat(answer()).isNotBlank();
        assertThat(find(".message.assistant .stats").getText()).contains("tokens/s");
        Path shot = Path.of("target", "chat-page.png");
        Files.createDirectories(shot.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The first id that /v1/models lists, which the page shows. */
    private static String servedModel() throws Exception {
        try (var in = tiny.uri("/v1/models").toURL().openStream()) {
            return new ObjectMapper().readTree(in).at("/data/0/id").asText();
        }
    }

    @Test
    void stopEndsTheGenerationOnTheServerAndKeepsWhatWasStreamed() {
        open(slow);
        int cancelledBefore = slowEngine.cancelled.get();

        say("Tell me a long story.");
        waitUntil("streamed text appears while generating", () -> answer().length() > 10 && find("#stop").isDisplayed());
        find("#stop").click();

        waitUntil("the page is ready for the next message", () -> find("#send").isDisplayed());
        waitUntil("the server cancelled the generation", () -> slowEngine.cancelled.get() == cancelledBefore + 1);
        assertThat(find(".message.assistant .stats").getText()).isEqualTo("stopped");
        assertThat(answer()).hasSizeGreaterThan(10);
    }

    @Test
    void theConversationIsKeptAcrossAReloadAndTheNextTurnCarriesIt() {
        open(slow);
        slowEngine.tokenDelay(Duration.ZERO);
        try {
            say("First question");
            waitUntil("the first answer is complete", () -> find("#send").isDisplayed() && !answer().isEmpty());
            browser.navigate().refresh();
            waitUntil("the conversation is back", () -> browser.findElements(By.cssSelector(".message")).size() == 2);

            say("Second question");
            waitUntil("the second answer is complete", () -> find("#send").isDisplayed()
                    && browser.findElements(By.cssSelector(".message.assistant")).size() == 2 && !answer().isEmpty());
            assertThat(browser.findElements(By.cssSelector(".message.user .content")).stream().map(WebElement::getText))
                    .containsExactly("First question", "Second question");
            assertThat(find("#conversations li.current").getText()).contains("First question");
        } finally {
            slowEngine.tokenDelay(Duration.ofMillis(50));
        }
    }

    @Test
    void onAServerWithAKeyThePageAsksForItThenChats() {
        open(keyed);
        waitUntil("the page asks for the key", () -> find("#model").getText().equals("API key needed"));
        assertThat(find("#settings").isDisplayed()).isTrue();

        find("#api-key").sendKeys(API_KEY, Keys.TAB);
        waitUntil("the model's name appears", () -> !find("#model").getText().equals("API key needed"));
        say("Hi");

        waitUntil("the answer is complete", () -> find("#send").isDisplayed() && !answer().isEmpty());
        assertThat(browser.findElements(By.cssSelector(".message.error"))).as(answer()).isEmpty();
    }

    @Test
    void modelTextIsRenderedAsMarkdownButNeverAsHtml() {
        open(slow);
        browser.executeScript("""
                const div = document.createElement('div'); div.id = 'probe'; document.body.append(div);
                renderMarkdown('<img src=x onerror="window.pwned=1"> **bold** and `code`\\n\\n```js\\nif (a < b) {}\\n```', div);""");

        assertThat(browser.findElements(By.cssSelector("#probe img"))).isEmpty();
        assertThat(find("#probe p").getText()).startsWith("<img src=x");
        assertThat(find("#probe strong").getText()).isEqualTo("bold");
        assertThat(find("#probe p code").getText()).isEqualTo("code");
        assertThat(find("#probe pre code").getText()).isEqualTo("if (a < b) {}");
        assertThat(browser.executeScript("return window.pwned === undefined")).isEqualTo(true);
    }
}
