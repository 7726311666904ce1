package dev.modelgate.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --timeout} values: a whole number with a unit, as kubectl writes them ({@code 90s}, {@code
 * 10m}, {@code 1h}).
 */
final class TimeoutOption implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    Matcher m = Pattern.compile("([1-9][0-9]{0,6})(ms|s|m|h)").matcher(value);
    if (!m.matches()) {
      throw new TypeConversionException(
          "'"
              + value
              + "' is not a timeout; write a whole number with ms, s, m or h, e.g. 90s or 10m");
    }
    long n = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "ms":
        return Duration.ofMillis(n);
      case "s":
        return Duration.ofSeconds(n);
      case "m":
        return Duration.ofMinutes(n);
      default:
        return Duration.ofHours(n);
    }
  }
}
