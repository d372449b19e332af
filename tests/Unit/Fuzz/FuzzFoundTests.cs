using OpenCodeUsage.Credentials;
using OpenCodeUsage.Go;
using OpenCodeUsage.Pricing;
using OpenCodeUsage.Storage;
using Xunit;

namespace OpenCodeUsage.Tests.Fuzz;

/// <summary>
/// Every input the fuzzer found that crashed a parser or made it misread (tests/data/corrupt/fuzz-found), kept as a
/// regression test of the behaviour it now has.
/// </summary>
public sealed class FuzzFoundTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ocu-fuzz-found-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Input(string name) => File.ReadAllBytes(Path.Combine(CorruptCorpus.Folder, "fuzz-found", name));

    [Theory]
    [InlineData("auth-not-utf8.json")]
    [InlineData("auth-lone-surrogate.json")]
    public void An_auth_file_with_text_that_is_not_UTF8_is_AuthFileInvalid_naming_it(string name)
    {
        var path = Path.Combine(_dir, "opencode", "auth.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Input(name));
        var diagnostics = new ReadDiagnostics();

        var found = AuthFile.Read(v => v == "XDG_DATA_HOME" ? _dir : null, diagnostics, ActivityLog.None);

        Assert.Empty(found);
        var failure = Assert.Single(diagnostics.Failures);
        Assert.Equal("AuthFileInvalid", failure.ErrorId);
        Assert.Equal(path, failure.Target);
        Assert.DoesNotContain("\\ud800", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("config-nul-in-file-reference.json", "ConfigReferenceInvalid")]
    [InlineData("config-not-utf8.json", "ConfigFileInvalid")]
    public void A_config_that_cannot_be_read_as_text_or_path_is_one_failure(string name, string errorId)
    {
        var path = Path.Combine(_dir, "opencode.json");
        File.WriteAllBytes(path, Input(name));
        var diagnostics = new ReadDiagnostics();

        var found = ConfigApiKeys.Read(v => v == "OPENCODE_CONFIG" ? path : v is "HOME" or "XDG_CONFIG_HOME" ? _dir : null, _dir, diagnostics, ActivityLog.None);

        Assert.Empty(found);
        var failure = Assert.Single(diagnostics.Failures);
        Assert.Equal(errorId, failure.ErrorId);
        Assert.Equal(path, failure.Target);
    }

    [Fact]
    public void A_pricing_file_with_a_model_name_that_is_not_UTF8_is_PricingFileInvalid()
    {
        var path = Path.Combine(_dir, "prices.json");
        File.WriteAllBytes(path, Input("pricing-not-utf8.json"));
        var failure = Assert.Throws<OpenCodeUsageException>(() => PriceCatalog.FromFile(path));
        Assert.Equal("PricingFileInvalid", failure.ErrorId);
        Assert.Equal(path, failure.Target);
    }

    [Fact]
    public void Go_answers_with_unreadable_text_or_times_out_of_range_are_read_without_throwing()
    {
        Assert.Null(GoUsageParser.ParseApi(Input("go-api-not-utf8.json")));
        var epoch = Assert.Single(GoUsageParser.ParseApi(Input("go-api-epoch-out-of-range.json"))!.Windows);
        Assert.Equal(5m, epoch.Percent);
        Assert.Null(epoch.ResetsAt);

        var twice = GoUsageParser.ParsePage(Input("go-page-field-twice.txt"), "wrk", DateTimeOffset.UnixEpoch)!;
        Assert.Equal(17591, (twice.Windows[0].ResetsAt!.Value - DateTimeOffset.UnixEpoch).TotalSeconds);
        var far = Assert.Single(GoUsageParser.ParsePage(Input("go-page-reset-out-of-range.txt"), "wrk", DateTimeOffset.UnixEpoch)!.Windows);
        Assert.Equal(12m, far.Percent);
        Assert.Null(far.ResetsAt);
    }

    [Fact]
    public void A_session_model_with_a_lone_surrogate_escape_is_no_model_rather_than_a_crash()
    {
        var parse = typeof(SqliteStore).GetMethod("ParseSessionModel", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .CreateDelegate<Func<string, (string?, string?)>>();
        Assert.Equal((null, null), parse(System.Text.Encoding.UTF8.GetString(Input("session-model-lone-surrogate.json"))));
    }

    [Fact]
    public void A_role_or_cost_that_is_an_object_does_not_end_the_message_early()
    {
        Assert.True(MessagePayload.TryParse(Input("message-role-object.json"), out var user));
        Assert.False(user.HasRole);
        Assert.Equal("mockant", user.ProviderId);
        Assert.Equal("claude-mock-sonnet", user.ModelId);
        Assert.Equal("build", user.Agent);

        Assert.True(MessagePayload.TryParse(Input("message-cost-object.json"), out var assistant));
        Assert.True(assistant.IsAssistant);
        Assert.Equal(0, assistant.Cost);
        Assert.Equal(5, assistant.Input);
        Assert.Equal(7, assistant.Output);
        Assert.Equal("m", assistant.ModelId);
    }

    [Fact]
    public void A_part_whose_type_name_is_a_lone_surrogate_is_passed_over_without_an_exception()
    {
        // Found by the fuzzer in its oracle, not in the parser: System.Text.Json cannot turn such a name into text.
        // The name is not "type", so the part has none and is not one the watch uses.
        var bytes = Input("part-lone-surrogate-name.json");

        var ok = OpenCodeUsage.Activity.PartPayload.TryParse(bytes, out var part);

        Assert.False(ok);
        Assert.Null(part.Type);
    }
}
