package dev.beametl.transforms.report;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import org.junit.jupiter.api.Test;

class CredentialsTest {
  @Test
  void passwordsInUrlsAndConnectionStringsAreMasked() {
    assertThat(
        Credentials.scrub("Connection to jdbc:postgresql://db:5432/x?user=etl&password=WrongUrlSecret42&ssl=true refused"),
        is("Connection to jdbc:postgresql://db:5432/x?user=etl&password=***&ssl=true refused"));
    assertThat(Credentials.scrub("Server=db;Uid=etl;Pwd=hunter2;"), is("Server=db;Uid=etl;Pwd=***;"));
    assertThat(Credentials.scrub("s3://AKIA123:s3cr3t@bucket/key and https://etl:p%40ss@db.example.com/"), is("s3://AKIA123:***@bucket/key and https://etl:***@db.example.com/"));
    assertThat(Credentials.scrub("PASSWORD = x1"), is("PASSWORD = ***"));
  }

  @Test
  void ordinaryTextIsLeftAlone() {
    assertThat(Credentials.scrub("jdbc:postgresql://db:5432/analytics table loans"), is("jdbc:postgresql://db:5432/analytics table loans"));
    assertThat(Credentials.scrub("column password_hash is missing"), is("column password_hash is missing"));
    assertThat(Credentials.scrub(null), is((String) null));
  }
}
