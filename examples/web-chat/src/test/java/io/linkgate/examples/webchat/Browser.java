package io.linkgate.examples.webchat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * One headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) with the chat
 * page's helpers. Closing it quits the browser, so no process outlives its test.
 */
final class Browser implements AutoCloseable {
  static final Duration PATIENCE = Duration.ofSeconds(15);
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

  final ChromeDriver driver;

  private Browser(ChromeDriver driver) {
    this.driver = driver;
  }

  static Browser open() {
    for (String file : new String[] {CHROMIUM, CHROMEDRIVER}) {
      if (!new File(file).canExecute()) {
        throw new IllegalStateException(
            "these tests drive headless Chromium: apt-get install chromium chromium-driver ("
                + file
                + " is missing)");
      }
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    // We run as root in a container: no sandbox, and /dev/shm may be small.
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1100,700");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(PATIENCE);
    return new Browser(driver);
  }

  Browser get(String url) {
    driver.get(url);
    return this;
  }

  Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  Object asyncScript(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeAsyncScript(js, args);
  }

  String status(String attribute) {
    return driver.findElement(By.id("status")).getDomAttribute(attribute);
  }

  /** Waits until the page's client is connected, and returns its mode ("stream" or "poll"). */
  String awaitConnected() {
    Awaitility.await("connected")
        .atMost(PATIENCE)
        .until(() -> "connected".equals(status("data-state")));
    return status("data-mode");
  }

  /** The texts of a log's lines, e.g. {@code "#dm-log li.in"}, in order. */
  @SuppressWarnings("unchecked")
  List<String> texts(String lines) {
    return (List<String>)
        script(
            "return [...document.querySelectorAll(arguments[0])]"
                + ".map(li => li.querySelector('.text').textContent)",
            lines);
  }

  /** Waits until one of {@code lines} reads {@code text}. */
  void awaitLine(String lines, String text) {
    Awaitility.await(text + " in " + lines)
        .atMost(PATIENCE)
        .until(() -> texts(lines).contains(text));
  }

  /** The user the page is logged in as, from its address. */
  String user() {
    return (String) script("return new URLSearchParams(location.search).get('user')");
  }

  /** Types a direct message to {@code user} and sends it, as a person would. */
  void sendDirect(String user, String text) {
    driver.findElement(By.id("dm-to")).clear();
    driver.findElement(By.id("dm-to")).sendKeys(user);
    driver.findElement(By.id("dm-text")).sendKeys(text);
    driver.findElement(By.id("dm-send")).click();
  }

  void joinRoom(String room) {
    driver.findElement(By.id("room-name")).clear();
    driver.findElement(By.id("room-name")).sendKeys(room);
    driver.findElement(By.id("room-join")).click();
    Awaitility.await("joined " + room)
        .atMost(PATIENCE)
        .until(
            () ->
                room.equals(driver.findElement(By.id("room-state")).getDomAttribute("data-room")));
  }

  void sendToRoom(String text) {
    driver.findElement(By.id("room-text")).sendKeys(text);
    driver.findElement(By.id("room-send")).click();
  }

  void screenshot(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    script("window.scrollTo(0, 0)"); // typing scrolled the composers into view
    Files.copy(
        driver.getScreenshotAs(OutputType.FILE).toPath(),
        file,
        StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void close() {
    driver.quit();
  }
}
