package io.linkgate.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import io.linkgate.api.client.ClientTransportProvider;
import io.linkgate.api.transport.TransportProvider;
import io.linkgate.transport.tcp.TcpClientTransportProvider;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.MethodSelector;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The kit is only worth something if it fails broken transports: each test here runs some of its
 * tests against TCP with one defect slipped in, and expects exactly those tests to fail, while the
 * same tests pass through a faithful wrapper.
 */
class KitCatchesBrokenTransportsTest {
  private static final String[] WRAPPED_TESTS = {
    "sendIsAckedAndPushedFromTheAuthenticatedSender",
    "pushesArriveInSeqOrderAcrossManyMessages",
    "resumeReplaysExactlyTheMissedPushesOnceInOrder",
    "resendWithTheSameClientMsgIdIsDeliveredOnce",
    "grantedHeartbeatIsClampedToTheBounds",
  };

  @Test
  void faithfulWrapperPassesTheTests() {
    assertThat(run(Faithful.class, WRAPPED_TESTS))
        .containsOnlyKeys(WRAPPED_TESTS)
        .doesNotContainValue(false);
  }

  @Test
  void lostPushFailsTheOrderAndResumeTests() {
    assertOnlyTheseFail(
        LosesSecondPush.class,
        "sendIsAckedAndPushedFromTheAuthenticatedSender",
        "pushesArriveInSeqOrderAcrossManyMessages",
        "resumeReplaysExactlyTheMissedPushesOnceInOrder");
  }

  @Test
  void senderNamedByTheClientFailsTheSendTest() {
    assertOnlyTheseFail(TrustsClientFrom.class, "sendIsAckedAndPushedFromTheAuthenticatedSender");
  }

  @Test
  void forgottenIdempotencyFailsTheResendTest() {
    assertOnlyTheseFail(ForgetsIdempotency.class, "resendWithTheSameClientMsgIdIsDeliveredOnce");
  }

  @Test
  void unclampedHeartbeatFailsTheClampTest() {
    assertOnlyTheseFail(UnclampedHeartbeat.class, "grantedHeartbeatIsClampedToTheBounds");
  }

  /**
   * Runs {@code failing} plus a test the defect does not touch: that one must pass (so the node did
   * start and the failures are the defect's), the others must fail.
   */
  private static void assertOnlyTheseFail(Class<?> suite, String... failing) {
    String control = "endpointsNameTheBoundPorts";
    String[] methods = Arrays.copyOf(failing, failing.length + 1);
    methods[failing.length] = control;
    Map<String, Boolean> passed = run(suite, methods);
    assertThat(passed.get(control)).as("%s: the untouched test passes", control).isTrue();
    for (String test : failing) {
      assertThat(passed.get(test)).as("%s fails on %s", test, suite.getSimpleName()).isFalse();
    }
  }

  /** Runs the named test methods of {@code suite}: method name to passed (true) or not. */
  private static Map<String, Boolean> run(Class<?> suite, String... methods) {
    MethodSelector[] selectors =
        Arrays.stream(methods).map(m -> selectMethod(suite, m)).toArray(MethodSelector[]::new);
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request().selectors(selectors).build();
    Map<String, Boolean> passed = new LinkedHashMap<>();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(
        request,
        new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (id.isTest() && id.getSource().orElse(null) instanceof MethodSource m) {
              passed.put(
                  m.getMethodName(), result.getStatus() == TestExecutionResult.Status.SUCCESSFUL);
            }
          }
        });
    assertThat(passed).as("tests run on %s", suite.getSimpleName()).containsOnlyKeys(methods);
    return passed;
  }

  /** The kit on TCP with {@link #mutation()} between the transport and the router. */
  abstract static class MutatedTcp extends TransportConformanceSuite {
    abstract Mutation mutation();

    @Override
    protected TransportProvider serverProvider() {
      return mutation().provider();
    }

    @Override
    protected ClientTransportProvider clientProvider() {
      return new TcpClientTransportProvider();
    }

    @Override
    protected RawAccess rawAccess() {
      return SocketRawConnection::connect;
    }

    /** Shorter: some of these runs are expected to wait for a push that never comes. */
    @Override
    protected Duration timeout() {
      return Duration.ofSeconds(2);
    }
  }

  static class Faithful extends MutatedTcp {
    @Override
    Mutation mutation() {
      return Mutation.NONE;
    }
  }

  static class LosesSecondPush extends MutatedTcp {
    @Override
    Mutation mutation() {
      return Mutation.LOSES_SECOND_PUSH;
    }
  }

  static class TrustsClientFrom extends MutatedTcp {
    @Override
    Mutation mutation() {
      return Mutation.TRUSTS_CLIENT_FROM;
    }
  }

  static class ForgetsIdempotency extends MutatedTcp {
    @Override
    Mutation mutation() {
      return Mutation.FORGETS_IDEMPOTENCY;
    }
  }

  static class UnclampedHeartbeat extends MutatedTcp {
    @Override
    Mutation mutation() {
      return Mutation.UNCLAMPED_HEARTBEAT;
    }
  }
}
