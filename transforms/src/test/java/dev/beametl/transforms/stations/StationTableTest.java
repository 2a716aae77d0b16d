package dev.beametl.transforms.stations;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StationTableTest {

  @Test
  void findsTheColumnsByNameInAnyOrderAndCase() throws IOException {
    StationTable t = read("\uFEFFElevation,LONGITUDE,name,ID,Latitude\r\n6.1,-73.9330,\"Central, Park\",US1NYNY0074,40.7969\r\n3.4,-73.8803,x,USW00014732,40.7794");
    assertThat(t.size(), is(2));
    assertThat(t.id(0), is("US1NYNY0074"));
    assertThat(t.latitude(0), is(40.7969));
    assertThat(t.longitude(1), is(-73.8803));
  }

  @Test
  void columnNamesAreConfigurable() throws IOException {
    StationTable t =
        StationTable.read(stream("station,lat,lon\nA,1,2\n"), "s.csv", new StationTable.Columns("station", "lat", "lon"));
    assertThat(t.id(0), is("A"));
    assertThat(t.longitude(0), is(2.0));
  }

  @Test
  void aBadRowIsAnErrorNamingItsLine() {
    assertThat(error("id,latitude,longitude\nA,1,2\nB,north,2\n"), containsString("s.csv line 3: latitude 'north' is not a number"));
    assertThat(error("id,latitude,longitude\nA,1,2\nC,3,4\nB,95,2\n"), containsString("s.csv line 4: station B: latitude 95.0 is outside [-90, 90]"));
    assertThat(error("id,latitude,longitude\nA,1\n"), containsString("s.csv line 2: empty longitude"));
    assertThat(error("id,latitude,longitude\n,1,2\n"), containsString("s.csv line 2: empty id"));
    assertThat(error("id,latitude,longitude\nA,1,NaN\n"), containsString("s.csv line 2: longitude 'NaN' is not a number"));
    assertThat("not Infinity", error("id,latitude,longitude\nA,1,1e309\n"), containsString("s.csv line 2: longitude '1e309' is not a number"));
  }

  @Test
  void aMissingColumnOrNoStationsIsAnError() {
    assertThat(error("id,lat,longitude\nA,1,2\n"), containsString("no column 'latitude' in the header [id, lat, longitude]"));
    assertThat(error("id,latitude,longitude\n"), containsString("no stations"));
    assertThat(error(""), containsString("no column 'id'"));
  }

  @Test
  void theFingerprintFollowsContentAndOrder() throws IOException {
    String a = read("id,latitude,longitude\nA,1,2\nB,3,4\n").fingerprint();
    assertThat(read("id,latitude,longitude,x\nA,1,2,9\nB,3,4,9\n").fingerprint(), is(a));
    assertThat(read("id,latitude,longitude\nB,3,4\nA,1,2\n").fingerprint(), is(not(a)));
    assertThat(read("id,latitude,longitude\nA,1,2\nB,3,4.0000001\n").fingerprint(), is(not(a)));
  }

  private static StationTable read(String csv) throws IOException {
    return StationTable.read(stream(csv), "s.csv", StationTable.Columns.DEFAULT);
  }

  private static String error(String csv) {
    return assertThrows(IllegalArgumentException.class, () -> read(csv)).getMessage();
  }

  private static ByteArrayInputStream stream(String csv) {
    return new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8));
  }
}
