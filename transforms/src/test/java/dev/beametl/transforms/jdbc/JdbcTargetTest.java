package dev.beametl.transforms.jdbc;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class JdbcTargetTest {
  static final String URL = "jdbc:postgresql://db:5432/x";

  @Test
  void acceptsPlainAndSchemaQualifiedTables() {
    assertThat(JdbcTarget.of(URL, "u", "JDBC_PASSWORD", "loans").schema(), nullValue());
    assertThat(JdbcTarget.of(URL, "u", "JDBC_PASSWORD", "nyc.main_data").schema(), is("nyc"));
  }

  @Test
  void refusesTablesThatAreNotIdentifiers() {
    for (String bad : new String[] {"loans; DROP TABLE x", "a.b.c", "1loans", "lo\"ans", "", "a."}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> JdbcTarget.of(URL, "u", "JDBC_PASSWORD", bad), bad);
      assertThat(e.getMessage(), containsString("--table"));
    }
  }

  @Test
  void refusesAMissingUrl() {
    assertThrows(IllegalArgumentException.class, () -> JdbcTarget.of(null, "u", "JDBC_PASSWORD", "loans"));
    assertThrows(IllegalArgumentException.class, () -> JdbcTarget.of("postgres://x", "u", "JDBC_PASSWORD", "loans"));
  }

  @Test
  void neverShowsAPasswordFromTheUrl() {
    String shown = JdbcTarget.of(URL + "?user=a&password=s3cret", null, "JDBC_PASSWORD", "loans").toString();
    assertThat(shown, not(containsString("s3cret")));
  }
}
