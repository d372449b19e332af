using OpenCodeUsage.Delegation;
using OpenCodeUsage.Server;
using Xunit;

namespace OpenCodeUsage.Tests.Delegation;

[Collection(OpenCodeUsage.Tests.Server.MemoryCollection.Name)]
public sealed class BoundedLinesTests
{
    /// <summary>A reader of one line of <paramref name="length"/> 'x' characters, made as it is read (never held whole).</summary>
    private sealed class EndlessLine(long length) : TextReader
    {
        private long _left = length;

        public override int Read(char[] buffer, int index, int count)
        {
            var n = (int)Math.Min(count, _left);
            Array.Fill(buffer, 'x', index, n);
            _left -= n;
            return n;
        }
    }

    [Fact]
    public async Task A_line_of_two_hundred_million_characters_costs_a_bounded_buffer()
    {
        var lines = new List<int>();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var reader = new StringReader("first\r\n");
        await BoundedLineReader.ReadAllAsync(reader, 1 << 20, l => lines.Add(l.Length));
        var cut = await BoundedLineReader.ReadAllAsync(new EndlessLine(200_000_000), 1 << 20, l => lines.Add(l.Length));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal([5, 1 << 20], lines);
        Assert.Equal(1, cut);
        Assert.InRange(allocated, 0, 64L << 20); // ReadLine would have built a 400 MB string (and more on the way)
    }

    [Fact]
    public async Task Lines_are_split_at_newlines_across_buffers_and_keep_their_text()
    {
        var text = string.Join("\n", Enumerable.Range(0, 5000).Select(i => new string((char)('a' + i % 26), i % 97))) + "\nlast";
        var lines = new List<string>();
        Assert.Equal(0, await BoundedLineReader.ReadAllAsync(new StringReader(text), 1000, lines.Add));
        Assert.Equal(text.Split('\n'), lines);
    }
}

public sealed class OutcomeClassifierTests
{
    [Fact]
    public void A_run_whose_output_line_was_cut_fails_with_OutputTooLarge()
    {
        var events = new RunTranscript();
        events.Feed("""{"type":"text","sessionID":"ses_a","part":{"id":"p1","type":"text","text":"partial"}}""");
        var outcome = new ProcessOutcome(events, new RunLog(), 0, false, false, null, TimeSpan.FromSeconds(1)) { LinesCut = 1 };
        var (status, kind, error) = OutcomeClassifier.Classify(outcome);
        Assert.Equal((DelegateStatus.Failed, DelegateFailureKind.OutputTooLarge), (status, kind));
        Assert.Contains("cut", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_auto_rejected_question_is_QuestionUnanswered_and_a_permission_PermissionDenied()
    {
        static (DelegateStatus, DelegateFailureKind) Of(string notice)
        {
            var log = new RunLog();
            log.Feed(notice);
            var events = new RunTranscript();
            events.Feed("""{"type":"step_finish","sessionID":"ses_a","part":{"id":"s1","tokens":{"input":1,"output":1},"cost":0}}""");
            var (status, kind, _) = OutcomeClassifier.Classify(new ProcessOutcome(events, log, 0, false, false, null, TimeSpan.Zero));
            return (status, kind);
        }

        Assert.Equal((DelegateStatus.Failed, DelegateFailureKind.PermissionDenied), Of("! permission requested: external_directory (/srv/data/*); auto-rejecting"));
        Assert.Equal((DelegateStatus.Failed, DelegateFailureKind.QuestionUnanswered), Of("! permission requested: question; auto-rejecting"));
        Assert.Equal((DelegateStatus.Failed, DelegateFailureKind.NoOutput), Of("nothing"));
    }
}
