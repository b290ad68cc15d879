package io.linkgate.examples.webchat;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.proto.Role;
import io.linkgate.router.DeviceSession;
import io.linkgate.router.Message;
import io.linkgate.server.HeartbeatConfig;
import io.linkgate.server.LimitsConfig;
import io.linkgate.server.LinkgateServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chat page in real headless Chromium against a real node on loopback. The page is served on
 * two ports, two origins: the node's {@code cors-origins} (and the WebSocket's {@code
 * allowed-origins}) names the first only. Every page's tunnel downlink goes through a proxy the
 * tests can cut, and so do both WebSocket listeners.
 */
class WebChatIT {
  private static final String SECRET = "web-chat-test-secret-of-at-least-32-bytes";
  private static final Path SCREENSHOT = Path.of("target", "web-chat.png");

  private static PageServer pages;
  private static LinkgateServer node;
  private static CuttableProxy downlinkProxy;
  private static CuttableProxy wsDownlinkProxy;
  private static CuttableProxy wsUplinkProxy;
  private static String allowedOrigin;
  private static String otherOrigin;

  /** Two browsers for all the tests (starting one is the slow part); each test loads its pages. */
  private static final List<Browser> browsers = new ArrayList<>();

  private int pagesOpen;

  @BeforeAll
  static void start() throws Exception {
    // The page server starts first, so its origins are known for the node's CORS setting; it
    // asks for the node's address only when a page loads.
    AtomicReference<PageServer.NodeAddress> address = new AtomicReference<>();
    pages = new PageServer("127.0.0.1", List.of(0, 0), address::get, new DevTokens(SECRET)).start();
    allowedOrigin = "http://127.0.0.1:" + pages.port(0);
    otherOrigin = "http://127.0.0.1:" + pages.port(1);
    // Heartbeats down to 500 ms, so that a test can show pings keep a quiet stream open in seconds.
    node =
        LinkgateServer.start(
            ChatNode.config(
                    "127.0.0.1",
                    ChatNode.Ports.withWebSocket(0, 0, 0, 0),
                    SECRET,
                    List.of(allowedOrigin))
                .withLimits(
                    new LimitsConfig(
                        null,
                        null,
                        null,
                        new HeartbeatConfig(Duration.ofMillis(500), null, null, null),
                        null)));
    downlinkProxy = new CuttableProxy(ChatNode.port(node, ChatNode.TUNNEL, Role.DOWNLINK));
    wsDownlinkProxy = new CuttableProxy(ChatNode.port(node, ChatNode.WEBSOCKET, Role.DOWNLINK));
    wsUplinkProxy = new CuttableProxy(ChatNode.port(node, ChatNode.WEBSOCKET, Role.UPLINK));
    address.set(
        new PageServer.NodeAddress(
            downlinkProxy.port(),
            ChatNode.port(node, ChatNode.TUNNEL, Role.UPLINK),
            wsDownlinkProxy.port(),
            wsUplinkProxy.port()));
    browsers.add(Browser.open());
    browsers.add(Browser.open());
  }

  @AfterAll
  static void stop() throws Exception {
    browsers.forEach(Browser::close);
    downlinkProxy.close();
    wsDownlinkProxy.close();
    wsUplinkProxy.close();
    node.close();
    pages.close();
  }

  @AfterEach
  void leavePages() {
    // Unloading a page closes its client, so nothing of one test goes on during the next.
    browsers.forEach(b -> b.get("about:blank"));
  }

  private Browser page(String origin, String query) {
    return browsers.get(pagesOpen++).get(origin + "/?" + query);
  }

  /** {@code user}'s page from the allowed origin, once connected in {@code mode}. */
  private Browser connected(String user, String mode) {
    return connected(user, mode, mode.equals("poll") ? "poll" : "stream", "");
  }

  private Browser connected(String user, String mode, String expectedMode, String moreQuery) {
    Browser b = page(allowedOrigin, "user=" + user + "&mode=" + mode + moreQuery);
    assertThat(b.awaitConnected()).isEqualTo(expectedMode);
    return b;
  }

  @Test
  void twoBrowsersChatDirectlyBothWaysAndInARoom() throws Exception {
    Browser alice = connected("alice", "auto");
    Browser bob = connected("bob", "auto");
    chatDirectlyAndInARoom(alice, bob, "lobby");

    assertThat(bob.script("return document.querySelector('#dm-log li.in').dataset.from"))
        .isEqualTo("alice");
    // The node copies alice's message to her own devices too; the page knows it for its own.
    assertThat(alice.texts("#dm-log li")).containsOnlyOnce("hi bob, are you there?");
    assertThat(alice.texts("#room-log li")).containsOnlyOnce("hello lobby");
    alice.screenshot(SCREENSHOT);
  }

  /**
   * {@code a} and {@code b} write to each other and to a room; each sees the other's messages and a
   * ✓ on their own: the SendAck, the server has it.
   */
  private static void chatDirectlyAndInARoom(Browser a, Browser b, String room) {
    String question = "hi " + b.user() + ", are you there?";
    a.sendDirect(b.user(), question);
    b.awaitLine("#dm-log li.in", question);
    b.sendDirect(a.user(), "yes! reading you through the tunnel");
    a.awaitLine("#dm-log li.in", "yes! reading you through the tunnel");
    a.awaitLine("#dm-log li.out[data-status=delivered]", question);

    a.joinRoom(room);
    b.joinRoom(room);
    a.sendToRoom("hello " + room);
    b.sendToRoom(b.user() + " here too");
    b.awaitLine("#room-log li.in", "hello " + room);
    a.awaitLine("#room-log li.in", b.user() + " here too");
    a.awaitLine("#room-log li.out[data-status=delivered]", "hello " + room);
  }

  @Test
  void twoUsersChatOverWebSocketWhenThePageAsksForIt() throws Exception {
    Browser sam = connected("sam", "auto", "stream", "&transport=websocket");
    Browser tess = connected("tess", "auto", "stream", "&transport=websocket");
    assertThat(sam.status("data-transport")).isEqualTo("websocket");
    assertThat(tess.status("data-transport")).isEqualTo("websocket");
    assertThat(statusText(sam)).contains("connected · websocket · streaming");

    chatDirectlyAndInARoom(sam, tess, "ws-room");

    // The node's registry agrees: both downlinks are WebSockets, and nothing fell back.
    for (String user : List.of("sam", "tess")) {
      assertThat(node.router().sessionsOf(user).toCompletableFuture().get())
          .extracting(DeviceSession::transport)
          .containsExactly("websocket");
    }
    assertThat(sam.script("return window.chat.client.stats.reconnects")).isEqualTo(0L);
    // ... and the sends went up WebSockets too: no transport was passed over as unreachable.
    assertThat(sam.script("return window.chat.client.unreachableUntil.size")).isEqualTo(0L);
    assertThat(tess.script("return window.chat.client.unreachableUntil.size")).isEqualTo(0L);
  }

  @Test
  void aPageWhoseWebSocketIsRefusedChatsOverTheTunnelAndReturnsWhenItIsReachable()
      throws Exception {
    Browser victor = connected("victor", "auto");
    wsDownlinkProxy.cut(); // connections to both WebSocket ports are closed as they arrive
    wsUplinkProxy.cut();
    Browser uma;
    try {
      uma = connected("uma", "auto", "stream", "&transport=websocket&remember_unreachable_ms=2000");
      assertThat(uma.status("data-transport")).isEqualTo("http-tunnel");
      assertThat(uma.status("data-passed-over")).isEqualTo("websocket");
      assertThat(statusText(uma)).contains("http-tunnel (websocket unreachable)");

      uma.sendDirect("victor", "over the tunnel, the WebSocket is blocked");
      victor.awaitLine("#dm-log li.in", "over the tunnel, the WebSocket is blocked");
      uma.awaitLine("#dm-log li.out[data-status=delivered]", "over the tunnel, the WebSocket is blocked");
      victor.sendDirect("uma", "got it");
      uma.awaitLine("#dm-log li.in", "got it");
      assertThat(node.router().sessionsOf("uma").toCompletableFuture().get())
          .extracting(DeviceSession::transport)
          .containsExactly("http-tunnel");
    } finally {
      wsDownlinkProxy.restore();
      wsUplinkProxy.restore();
    }

    // Every 2 s the page probes the WebSocket; once it answers, the page moves back to it and
    // resumes, so what was sent meanwhile arrives once.
    await("back on websocket")
        .atMost(Browser.PATIENCE)
        .until(
            () ->
                "websocket".equals(uma.status("data-transport"))
                    && "connected".equals(uma.status("data-state")));
    victor.sendDirect("uma", "and now over the WebSocket");
    uma.awaitLine("#dm-log li.in", "and now over the WebSocket");
    assertThat(uma.texts("#dm-log li.in")).containsExactly("got it", "and now over the WebSocket");
    // The tunnel session was ended by the page (asynchronously), not left to expire.
    await()
        .atMost(Browser.PATIENCE)
        .untilAsserted(
            () ->
                assertThat(node.router().sessionsOf("uma").toCompletableFuture().get())
                    .extracting(DeviceSession::transport)
                    .containsExactly("websocket"));
  }

  private static String statusText(Browser b) {
    return b.driver.findElement(org.openqa.selenium.By.id("status")).getText();
  }

  @Test
  void messagesSentWhileTheDownlinkIsCutArriveExactlyOnceInOrder() {
    Browser carol = connected("carol", "auto");
    // Retries at most a second apart: the test waits for the reconnect, not for a long backoff.
    Browser dave = connected("dave", "auto", "stream", "&retry_max_ms=1000");
    carol.sendDirect("dave", "before 1");
    carol.sendDirect("dave", "before 2");
    await().atMost(Browser.PATIENCE).until(() -> dave.texts("#dm-log li.in").size() == 2);

    downlinkProxy.cut();
    try {
      await("dave notices")
          .atMost(Browser.PATIENCE)
          .until(() -> "reconnecting".equals(dave.status("data-state")));
      for (int i = 1; i <= 5; i++) {
        carol.sendDirect("dave", "while down " + i); // the uplink is not cut: the node stores them
      }
      await()
          .atMost(Browser.PATIENCE)
          .until(() -> carol.texts("#dm-log li.out[data-status=delivered]").size() == 7);
      assertThat(dave.texts("#dm-log li.in")).hasSize(2);
    } finally {
      downlinkProxy.restore();
    }

    dave.awaitConnected();
    List<String> expected = new ArrayList<>(List.of("before 1", "before 2"));
    IntStream.rangeClosed(1, 5).forEach(i -> expected.add("while down " + i));
    await().atMost(Browser.PATIENCE).until(() -> dave.texts("#dm-log li.in").size() >= 7);
    assertThat(dave.texts("#dm-log li.in")).containsExactlyElementsOf(expected);
    assertThat(
            dave.script(
                "return [...document.querySelectorAll('#dm-log li.in')].map(li =>"
                    + " +li.dataset.seq)"))
        .asList()
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
  }

  @Test
  void aKickedPageComesBackAtOnceAndResumes() {
    Browser frank = connected("frank", "stream");
    Browser erin = connected("erin", "stream");
    frank.sendDirect("erin", "one");

    // The node says GoAway and closes, whether "one" is on its way or not; the page reconnects
    // without backing off, and resumes.
    node.router().kick("erin", null, "test kick").toCompletableFuture().join();
    frank.sendDirect("erin", "two");
    await().atMost(Browser.PATIENCE).until(() -> erin.texts("#dm-log li.in").size() >= 2);
    await()
        .during(Duration.ofMillis(300))
        .atMost(Browser.PATIENCE)
        .until(() -> erin.texts("#dm-log li.in").equals(List.of("one", "two")));
    assertThat(erin.script("return window.chat.client.stats.reconnects")).isEqualTo(1L);
  }

  @Test
  void twoTabsOfOneUserAreTwoDevicesAndBothStayConnected() {
    // Two devices, not one: a device has one downlink, and two tabs sharing it would take it
    // from each other over and over.
    Browser laptop = connected("quinn", "auto");
    Browser phone = connected("quinn", "auto");
    node.router()
        .push("quinn", Message.of("backend", "user:quinn", "to all your tabs".getBytes(UTF_8)))
        .toCompletableFuture()
        .join();
    laptop.awaitLine("#dm-log li.in", "to all your tabs");
    phone.awaitLine("#dm-log li.in", "to all your tabs");
    assertThat(laptop.script("return window.chat.client.stats.reconnects")).isEqualTo(0L);
    assertThat(phone.script("return window.chat.client.stats.reconnects")).isEqualTo(0L);
  }

  @Test
  void aReloadedPageGetsItsHistoryBackFromTheNode() {
    for (String text : List.of("first", "second", "third")) {
      node.router()
          .push("rita", Message.of("backend", "user:rita", text.getBytes(UTF_8)))
          .toCompletableFuture()
          .join();
    }
    // A page starts at seq 0, so the node replays what its inbox holds for the user.
    Browser rita = connected("rita", "auto");
    await().atMost(Browser.PATIENCE).until(() -> rita.texts("#dm-log li.in").size() >= 3);
    rita.driver.navigate().refresh();
    rita.awaitConnected();
    await().atMost(Browser.PATIENCE).until(() -> rita.texts("#dm-log li.in").size() >= 3);
    assertThat(rita.texts("#dm-log li.in")).containsExactly("first", "second", "third");
  }

  @Test
  void aPageFromAnOriginTheNodeDoesNotAllowIsRefused() {
    Browser allowed = page(allowedOrigin, "user=gina");
    Browser other = page(otherOrigin, "user=hank");
    assertThat(allowed.awaitConnected()).isEqualTo("stream");

    // The browser keeps the tunnel's answers from the page: it never connects, and says why.
    await()
        .atMost(Browser.PATIENCE)
        .until(
            () ->
                other.status("data-state").equals("reconnecting")
                    && other
                        .driver
                        .findElement(org.openqa.selenium.By.id("status"))
                        .getText()
                        .contains("Failed to fetch"));
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(3))
        .until(() -> !"connected".equals(other.status("data-state")));
  }

  @Test
  void aPageThatAsksForLongPollChatsOverPolls() {
    chatDirectlyAndInARoom(connected("ivan", "poll"), connected("judy", "poll"), "poll-room");
  }

  @Test
  void pingsKeepAQuietStreamOpenPastTheHeartbeatMissWindow() {
    // Granted 1 s: the node closes a stream whose client sent nothing for 2.5 s, and the page
    // gives up a stream that brought nothing (not even the node's pings) for 2.5 s.
    Browser mia = connected("mia", "stream", "stream", "&heartbeat_ms=1000");
    assertThat(mia.script("return window.chat.client.welcome.heartbeatMs")).isEqualTo(1000L);
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(5))
        .until(() -> "connected".equals(mia.status("data-state")));
    assertThat(mia.script("return window.chat.client.stats.reconnects")).isEqualTo(0L);
  }

  @Test
  void aStreamWhoseWelcomeIsHeldBackFallsBackToLongPoll() {
    Browser nina = connected("nina", "auto");
    downlinkProxy.delayDownstream(1_500); // a network that holds responses back
    try {
      Browser omar = connected("omar", "auto", "poll", "&welcome_timeout_ms=1000");
      nina.sendDirect("omar", "do you hear me?");
      omar.awaitLine("#dm-log li.in", "do you hear me?");
    } finally {
      downlinkProxy.delayDownstream(0);
    }
  }

  @Test
  void aTokenTheNodeRefusesIsAskedForAgainWithRefresh() {
    // getToken() hands out a bad token unless asked to refresh, so both the downlink and the
    // uplink must get a 401 and ask again.
    assertThat(tokenAskedForWith("{ ...config, getToken, backoff }"))
        .asList()
        .containsExactly("pat", true, false, true, false, true);
  }

  @Test
  void aTokenTheNodeRefusesOverWebSocketIsAskedForAgainWithRefresh() {
    // On a WebSocket the refusal is an Error UNAUTHENTICATED answering the Hello, on each socket.
    assertThat(
            tokenAskedForWith(
                """
                { getToken, backoff, transports: [webSocket({
                    downlinkUrl: config.wsDownlinkUrl, uplinkUrl: config.wsUplinkUrl })] }
                """))
        .asList()
        .containsExactly("pat", true, false, true, false, true);
  }

  /**
   * The library on its own, on a page of the allowed origin, built with {@code options} (a JS
   * expression over {@code config}, {@code getToken} and {@code backoff}): connects, sends one
   * message, and returns the Welcome's user, whether the SendAck came, and each getToken()'s
   * {@code refresh}.
   */
  private Object tokenAskedForWith(String options) {
    return page(allowedOrigin, "")
        .asyncScript(
            """
            const done = arguments[arguments.length - 1];
            (async () => {
              const { LinkgateClient, webSocket } = await import('/linkgate.js');
              const config = await (await fetch('/config.json')).json();
              const refreshes = [];
              const getToken = async ({ refresh } = {}) => {
                refreshes.push(Boolean(refresh));
                return refresh ? (await fetch('/dev/token?user=pat')).text() : 'not-a-token';
              };
              const backoff = { initialMs: 50 };
              const client = new LinkgateClient(%s);
              const welcome = await client.connect();
              const ack = await client.send('user:pat', 'a note to myself');
              client.close();
              return [welcome.userId, ack.msgId !== '', ...refreshes];
            })().then(done, e => done(String(e)));
            """
                .formatted(options));
  }

  @Test
  void sendsQueuedWhileAPostIsInFlightShareTheNextPost() {
    Browser kim = connected("kim", "auto");
    Browser lee = connected("lee", "auto");

    // 40 sends in one go: the first 32 (the cap) in one POST, the other 8 in the next.
    Object posts =
        kim.asyncScript(
            """
            const done = arguments[arguments.length - 1];
            const c = window.chat.client, before = c.stats.uplinkRequests;
            Promise.all(Array.from({length: 40}, (_, i) => c.send('user:lee', 'burst ' + i)))
              .then(() => done(c.stats.uplinkRequests - before), e => done(String(e)));
            """);
    assertThat(posts).isEqualTo(2L);
    List<String> expected = IntStream.range(0, 40).mapToObj(i -> "burst " + i).toList();
    await().atMost(Browser.PATIENCE).until(() -> lee.texts("#dm-log li.in").size() >= 40);
    assertThat(lee.texts("#dm-log li.in")).containsExactlyElementsOf(expected);
  }
}
