package io.linkgate.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouterTargetTest {
  @Test
  void threadsOfOnePoolShareAGroupWithoutTheirNumbers() {
    assertThat(RouterTarget.group("lettuce-epollEventLoop-4-1")).isEqualTo("lettuce-epollEventLoop");
    assertThat(RouterTarget.group("lettuce-epollEventLoop-4-2")).isEqualTo("lettuce-epollEventLoop");
    assertThat(RouterTarget.group("main")).isEqualTo("main");
  }

  @Test
  void aGroupNameCarriesNoSpaceOrEqualsSign() {
    assertThat(RouterTarget.group("Reference Handler")).isEqualTo("Reference_Handler");
    assertThat(RouterTarget.group("a=b c")).doesNotContain("=", " ");
  }
}
