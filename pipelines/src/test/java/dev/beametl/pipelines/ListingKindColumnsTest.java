package dev.beametl.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.beametl.options.ListingPostprocessOptions.Kind;
import org.junit.jupiter.api.Test;

/** The options' rules know each kind's columns (to refuse a clashing --partitionColumn): they must be the table's. */
class ListingKindColumnsTest {
  @Test
  void eachKindsColumnsAreItsTablesColumns() {
    for (Kind kind : Kind.values()) {
      assertThat(kind.name(), kind.columns(), equalTo(ListingPostprocess.table(kind).schema().getFieldNames()));
    }
  }
}
