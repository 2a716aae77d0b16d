package dev.beametl.transforms.csv;

import java.util.ArrayList;
import java.util.List;

/** Loans-like CSV text for tests: an id, amounts, text columns with quoted commas, quotes and line breaks. */
final class LoanLikeCsv {
  static final String HEADER = "id,loan_amnt,term,int_rate,emp_title,desc,purpose,last_fico_range_low";

  private LoanLikeCsv() {}

  /** Record {@code id} as one CSV record (no line break at the end); every 7th has a quoted, two-line desc. */
  static String record(long id) {
    String desc = id % 7 == 0 ? "\"Borrower said \"\"consolidate\"\",\nthen paid\"" : id % 3 == 0 ? "\"car, then house\"" : "plain";
    return id + "," + (1000 + id % 35_000) + ".25,36 months," + (5 + id % 20) + ".99,Teacher " + (id % 97) + "," + desc
        + ",debt_consolidation," + (640 + id % 200);
  }

  /** The records 1..n, LF-terminated, with {@code replace} swapping in other text for some records. */
  static String file(int n, java.util.Map<Long, String> replace) {
    StringBuilder text = new StringBuilder(HEADER).append('\n');
    for (long id = 1; id <= n; id++) {
      text.append(replace.getOrDefault(id, record(id))).append('\n');
    }
    return text.toString();
  }

  /** The fields of {@link #record}, as the reader returns them. */
  static List<String> fields(long id) {
    List<String> fields = new ArrayList<>(List.of(String.valueOf(id), (1000 + id % 35_000) + ".25", "36 months", (5 + id % 20) + ".99", "Teacher " + (id % 97)));
    fields.add(id % 7 == 0 ? "Borrower said \"consolidate\",\nthen paid" : id % 3 == 0 ? "car, then house" : "plain");
    fields.add("debt_consolidation");
    fields.add(String.valueOf(640 + id % 200));
    return fields;
  }
}
