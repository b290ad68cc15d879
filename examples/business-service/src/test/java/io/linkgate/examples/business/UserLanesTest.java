package io.linkgate.examples.business;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class UserLanesTest {
  private final UserLanes lanes = new UserLanes();

  @Test
  void oneUsersTasksRunOneAfterTheOtherInTheOrderAskedEvenWhenOneFails() {
    List<String> ran = new CopyOnWriteArrayList<>();
    CompletableFuture<String> first = new CompletableFuture<>();
    lanes.run("bob", () -> first);
    lanes.run("bob", () -> {
      ran.add("second");
      return CompletableFuture.failedFuture(new IllegalStateException("boom"));
    });
    CompletableFuture<String> third = lanes.run("bob", () -> {
      ran.add("third");
      return CompletableFuture.completedFuture("3");
    }).toCompletableFuture();
    assertThat(ran).as("nothing starts before the first ends").isEmpty();
    first.complete("1");
    assertThat(third.join()).isEqualTo("3");
    assertThat(ran).containsExactly("second", "third");
  }

  @Test
  void differentUsersDoNotWaitForEachOther() {
    CompletableFuture<String> stuck = new CompletableFuture<>();
    lanes.run("bob", () -> stuck);
    CompletableFuture<String> alice = lanes.run("alice", () -> CompletableFuture.completedFuture("a")).toCompletableFuture();
    assertThat(alice.join()).isEqualTo("a");
    stuck.complete("b");
  }

  @Test
  void aLaneIsForgottenOnceItsLastTaskEnds() {
    CompletableFuture<String> pending = new CompletableFuture<>();
    lanes.run("bob", () -> pending);
    lanes.run("carol", () -> { throw new IllegalArgumentException("thrown, not returned"); });
    assertThat(lanes.size()).isEqualTo(1);
    pending.complete("done");
    assertThat(lanes.size()).isZero();
  }
}
