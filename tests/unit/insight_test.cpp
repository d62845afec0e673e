// Lambda knowledge shared by the exporters: log severities and the X-Ray trace header.
#include "insight/log_severity.hpp"
#include "insight/xray.hpp"

#include <gtest/gtest.h>

namespace lambda_relay::insight {
namespace {

TEST(LogSeverity, MapsLevelNamesCaseInsensitivelyWithSuffixesAndAliases) {
  EXPECT_EQ(severity_from_level("INFO"), 9);
  EXPECT_EQ(severity_from_level("info"), 9);
  EXPECT_EQ(severity_from_level("Warning"), 13);
  EXPECT_EQ(severity_from_level("WARN"), 13);
  EXPECT_EQ(severity_from_level("ERROR"), 17);
  EXPECT_EQ(severity_from_level("CRITICAL"), 21);
  EXPECT_EQ(severity_from_level("fatal"), 21);
  EXPECT_EQ(severity_from_level("DEBUG"), 5);
  EXPECT_EQ(severity_from_level("TRACE"), 1);
  EXPECT_EQ(severity_from_level("ALL"), 1);
  EXPECT_EQ(severity_from_level("ERROR3"), 19);
  EXPECT_EQ(severity_from_level("INFO5"), 0);
  EXPECT_EQ(severity_from_level("verbose"), 0);
  EXPECT_EQ(severity_from_level(""), 0);
}

TEST(LogSeverity, ReadsTheRuntimesTextPrefixes) {
  // Python
  EXPECT_EQ(severity_from_line("[ERROR]\t2025-06-10T14:03:11.741Z\t8a2f3c1e\tboom"), 17);
  EXPECT_EQ(severity_from_line("[WARNING]\t2025-06-14T10:15:30.688Z\t8f5a2c71\tinventory service slow"), 13);
  EXPECT_EQ(severity_from_line("[ERROR] Runtime.ImportModuleError: Unable to import module 'app'"), 17);
  // Node
  EXPECT_EQ(severity_from_line("2025-06-10T14:03:11.741Z\t8a2f3c1e-5b7d-4e9a-9c0b-1d2e3f4a5b6c\tINFO\tGET /orders"), 9);
  EXPECT_EQ(severity_from_line("2025-06-10T14:03:11.741Z\t8a2f3c1e\tERROR\tInvoke Error"), 17);
  // Java (log4j2 pattern of the Lambda Java libraries)
  EXPECT_EQ(severity_from_line("2025-06-10 14:03:11 8a2f3c1e-5b7d WARN  Handler - slow"), 13);
  // bare words and logfmt
  EXPECT_EQ(severity_from_line("ERROR: could not connect"), 17);
  EXPECT_EQ(severity_from_line("DEBUG cache miss"), 5);
  EXPECT_EQ(severity_from_line("time=2025-06-10T14:03:11Z level=warn msg=\"slow\""), 13);
  EXPECT_EQ(severity_from_line("[debug] retrying"), 5);
}

TEST(LogSeverity, LeavesLinesWithoutAPrefixUnknown) {
  EXPECT_EQ(severity_from_line("cold start: loaded 3 config keys from SSM"), 0);
  EXPECT_EQ(severity_from_line("Error: boom"), 0);  // an exception's text, not a level
  EXPECT_EQ(severity_from_line("processing ERROR counts"), 0);
  EXPECT_EQ(severity_from_line("[obs-extension] flushed 11 records"), 0);
  EXPECT_EQ(severity_from_line(""), 0);
}

TEST(LogSeverity, NamesNumbersWithOpenTelemetryShortNames) {
  EXPECT_EQ(severity_name(9), "INFO");
  EXPECT_EQ(severity_name(13), "WARN");
  EXPECT_EQ(severity_name(14), "WARN2");
  EXPECT_EQ(severity_name(21), "FATAL");
  EXPECT_EQ(severity_name(0), "");
  EXPECT_EQ(severity_name(25), "");
}

TEST(XrayHeader, TakesTheTraceIdFromRootAndTheParentAndSampledFlag) {
  const auto trace = parse_xray_header("Root=1-684d4bc2-2f8e6a1b3c5d7e9f0a1b2c3d;Parent=53995c3f42cd8ad8;Sampled=1");
  ASSERT_TRUE(trace);
  EXPECT_EQ(trace->trace_id, "684d4bc22f8e6a1b3c5d7e9f0a1b2c3d");
  EXPECT_EQ(trace->parent_id, "53995c3f42cd8ad8");
  EXPECT_EQ(trace->sampled, true);
}

TEST(XrayHeader, IgnoresUnknownKeysAndOrderAndToleratesMissingParts) {
  const auto trace = parse_xray_header("Sampled=0; Lineage=a87bd80c:1|68fd508a:5 ;Root=1-684D4BC2-2F8E6A1B3C5D7E9F0A1B2C3D");
  ASSERT_TRUE(trace);
  EXPECT_EQ(trace->trace_id, "684d4bc22f8e6a1b3c5d7e9f0a1b2c3d");
  EXPECT_FALSE(trace->parent_id);
  EXPECT_EQ(trace->sampled, false);
}

TEST(XrayHeader, RejectsAHeaderWithoutAWellFormedRoot) {
  EXPECT_FALSE(parse_xray_header("Parent=53995c3f42cd8ad8;Sampled=1"));
  EXPECT_FALSE(parse_xray_header("Root=2-684d4bc2-2f8e6a1b3c5d7e9f0a1b2c3d"));
  EXPECT_FALSE(parse_xray_header("Root=1-684d4bc2-2f8e6a1b3c5d7e9f0a1b2c3"));
  EXPECT_FALSE(parse_xray_header("Root=1-00000000-000000000000000000000000"));
  EXPECT_FALSE(parse_xray_header(""));
  const auto bad_parent = parse_xray_header("Root=1-684d4bc2-2f8e6a1b3c5d7e9f0a1b2c3d;Parent=xyz");
  ASSERT_TRUE(bad_parent);
  EXPECT_FALSE(bad_parent->parent_id);
}

}  // namespace
}  // namespace lambda_relay::insight
