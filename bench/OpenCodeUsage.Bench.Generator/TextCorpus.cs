using System.Text;

namespace OpenCodeUsage.Bench.Generator;

/// <summary>
/// Two long, already JSON-escaped texts (source-like lines and prose) built once from the seed; tool
/// outputs and messages are slices of them. Slicing instead of drawing every character keeps the writing of
/// several GB fast, and escaping once keeps each slice valid JSON string content.
/// </summary>
internal sealed class TextCorpus
{
    private const int CorpusChars = 4 * 1024 * 1024;

    private static readonly string[] Words =
    [
        "the", "user", "request", "handler", "returns", "value", "config", "cache", "session", "token", "error",
        "should", "before", "after", "update", "check", "test", "file", "function", "module", "import", "export",
        "result", "response", "query", "index", "table", "schema", "build", "run", "fails", "passes", "because",
        "we", "need", "to", "change", "this", "that", "with", "from", "into", "when", "then", "and", "or", "not",
    ];

    private static readonly string[] CodeLines =
    [
        "import { {0} } from \"./{1}\";", "export function {0}({1}: string): Promise<void> {", "  const {0} = await {1}.get(id);",
        "  if (!{0}) throw new Error(\"{1} not found\");", "  return {0}.map((x) => x.{1});", "}", "",
        "  // TODO: handle {0} when {1} is empty", "test(\"{0} {1}\", async () => {", "  expect({0}).toEqual({1});",
        "\tat {0} (/home/dev/projects/app/src/{1}.ts:42:17)", "PASS  test/{0}.test.ts ({1} ms)", "src/{0}.ts:{1}: {0}",
        "  {0}: {1},", "type {0} = { id: string; {1}: number };", "npm WARN deprecated {0}@1.2.3: use {1}",
    ];

    public TextCorpus(Random random)
    {
        Code = Build(() => Line(random));
        Prose = Build(() => Sentence(random));
    }

    /// <summary>Source files, command output, stack traces: what tools return.</summary>
    public string Code { get; }

    /// <summary>Sentences: prompts, answers, reasoning.</summary>
    public string Prose { get; }

    /// <summary>A random slice of about <paramref name="length"/> chars that is valid JSON string content.</summary>
    public (int Start, int Length) Slice(Random random, string corpus, int length)
    {
        length = Math.Clamp(length, 1, corpus.Length / 2);
        var start = 1 + random.Next(corpus.Length - length - 1);
        // Only two-char escapes (\n, \t, \") occur: never start on the second char of one, nor end on the first.
        if (corpus[start - 1] == '\\')
        {
            start++;
            length--;
        }

        if (corpus[start + length - 1] == '\\')
        {
            length--;
        }

        return (start, Math.Max(length, 0));
    }

    public string Text(Random random, string corpus, int length)
    {
        var (start, count) = Slice(random, corpus, length);
        return corpus.Substring(start, count);
    }

    private static string Build(Func<string> next)
    {
        var text = new StringBuilder(CorpusChars + 1024);
        while (text.Length < CorpusChars)
        {
            text.Append(next());
        }

        return text.ToString();
    }

    private static string Line(Random random)
    {
        var template = CodeLines[random.Next(CodeLines.Length)];
        var line = template.Replace("{0}", Words[random.Next(Words.Length)]).Replace("{1}", Words[random.Next(Words.Length)]);
        var escaped = new StringBuilder();
        Json.AppendString(escaped, line + "\n");
        return escaped.ToString(1, escaped.Length - 2);
    }

    private static string Sentence(Random random)
    {
        var text = new StringBuilder();
        var count = 6 + random.Next(14);
        for (var i = 0; i < count; i++)
        {
            var word = Words[random.Next(Words.Length)];
            text.Append(i == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : word).Append(i == count - 1 ? ". " : " ");
        }

        if (random.Next(8) == 0)
        {
            text.Append("\\n\\n");
        }

        return text.ToString();
    }
}
