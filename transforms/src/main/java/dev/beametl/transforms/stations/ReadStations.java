package dev.beametl.transforms.stations;

import dev.beametl.transforms.EtlMetrics;
import java.io.IOException;
import java.nio.channels.Channels;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * A station CSV (local or s3://) -> a side input holding the whole {@link StationTable}. Each
 * worker then builds its {@link NearestStation} index once from it. A bad row fails the run with a
 * message naming the line; the count of stations goes in the run report as {@code stations}.
 */
public final class ReadStations extends PTransform<PBegin, PCollectionView<StationTable>> {
  private final String file;
  private final StationTable.Columns columns;

  private ReadStations(String file, StationTable.Columns columns) {
    this.file = file;
    this.columns = columns;
  }

  public static ReadStations from(String file) {
    return new ReadStations(file, StationTable.Columns.DEFAULT);
  }

  public ReadStations withColumns(StationTable.Columns columns) {
    return new ReadStations(file, columns);
  }

  @Override
  public PCollectionView<StationTable> expand(PBegin begin) {
    return begin
        .apply("StationFile", Create.of(file))
        .apply("Match", FileIO.matchAll())
        .apply("Open", FileIO.readMatches())
        .apply("Load", ParDo.of(new LoadFn(columns)))
        .apply("AsSideInput", View.asSingleton());
  }

  private static final class LoadFn extends DoFn<FileIO.ReadableFile, StationTable> {
    private final Counter stations = EtlMetrics.counter("stations");
    private final StationTable.Columns columns;

    LoadFn(StationTable.Columns columns) {
      this.columns = columns;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<StationTable> out) throws IOException {
      String source = file.getMetadata().resourceId().toString();
      StationTable table = StationTable.read(Channels.newInputStream(file.open()), source, columns);
      stations.inc(table.size());
      out.output(table);
    }
  }
}
