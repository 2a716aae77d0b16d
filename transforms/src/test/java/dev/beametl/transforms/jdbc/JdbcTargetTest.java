package dev.beametl.transforms.jdbc;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.beametl.testing.PostgresServer;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
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

  @Test
  void aRefusedLoginQuotesNeitherTheUrlPasswordNorTheOneSent() throws Exception {
    PostgresServer pg = PostgresServer.shared();
    String url = pg.jdbcUrl() + "?password=WrongUrlSecret42";
    PasswordSource wrong = new PasswordSource() {
      @Override
      public Login login() {
        return new Login(PostgresServer.USER, "WrongSentSecret42");
      }

      @Override
      public String describe() {
        return "a test source";
      }
    };
    for (JdbcTarget target :
        List.of(JdbcTarget.of(url, PostgresServer.USER, "JDBC_PASSWORD", "t"), JdbcTarget.of(pg.jdbcUrl(), null, wrong, "t"))) {
      SQLException e = assertThrows(SQLException.class, target::connect);
      String everything = e.getMessage() + e + Arrays.toString(e.getSuppressed()) + e.getCause();
      assertThat(everything, containsString("refused the login as user '" + PostgresServer.USER + "'"));
      assertThat(everything, not(containsString("WrongUrlSecret42")));
      assertThat(everything, not(containsString("WrongSentSecret42")));
      assertThat(everything, not(containsString(PostgresServer.password())));
    }
  }

  @Test
  void aLoginShowsNoPassword() {
    assertThat(new PasswordSource.Login("u", "s3cret").toString(), not(containsString("s3cret")));
  }

  @Test
  void aSecretThatIsNotValidJsonIsNotQuoted() {
    SecretsManagerPassword source = new SecretsManagerPassword("db/etl", null, null);
    SQLException e = assertThrows(SQLException.class, () -> source.parse("{\"password\": \"s3cret"));
    assertThat(e.getMessage(), containsString("'db/etl'"));
    assertThat(e.getMessage(), not(containsString("s3cret")));
    assertThat(assertThrows(SQLException.class, () -> source.parse("{\"pass\": \"s3cret\"}")).getMessage(), not(containsString("s3cret")));
  }

  @Test
  void aSecretIsPlainTextOrRdsJson() throws Exception {
    SecretsManagerPassword source = new SecretsManagerPassword("db/etl", null, null);
    assertThat(source.parse("pl{ain"), is(new PasswordSource.Login(null, "pl{ain")));
    assertThat(source.parse("{\"username\": \"etl\", \"password\": \"pw\", \"engine\": \"postgres\"}"),
        is(new PasswordSource.Login("etl", "pw")));
  }
}
