package dev.restoreguard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void shouldTakeNearestRankPercentilesThatAreMeasuredValues() {
        final double[] ms = IntStream.rangeClosed(1, 1000).mapToDouble(i -> 1001 - i).toArray(); // 1000..1, unsorted
        assertThat(Stats.percentile(ms, 50)).isEqualTo(500);
        assertThat(Stats.percentile(ms, 99)).isEqualTo(990);
        assertThat(Stats.percentile(ms, 100)).isEqualTo(1000);
        assertThat(Stats.percentile(new double[] {7, 3}, 99)).isEqualTo(7);
        assertThat(Stats.percentile(new double[] {42}, 1)).isEqualTo(42);
    }

    @Test
    void shouldTakeTheMiddleOfOddAndTheMeanOfTheTwoMiddlesOfEvenCounts() {
        assertThat(Stats.median(new double[] {5, 1, 3})).isEqualTo(3);
        assertThat(Stats.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
        assertThat(Stats.max(new double[] {2, 9, 4})).isEqualTo(9);
    }

    @Test
    void shouldRefuseNoValuesAndPercentilesOutOfRange() {
        assertThatThrownBy(() -> Stats.percentile(new double[0], 50)).hasMessageContaining("no values");
        assertThatThrownBy(() -> Stats.percentile(new double[] {1}, 0)).hasMessageContaining("(0, 100]");
        assertThatThrownBy(() -> Stats.median(new double[0])).hasMessageContaining("no values");
    }
}
