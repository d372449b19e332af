namespace OpenCodeFixture.Mock;

/// <summary>What the mock decided to answer; the names match the "kind" field of mockllm.py's log.</summary>
public enum MockReplyKind
{
    /// <summary>A title-generation request (system prompt mentions "title", no tools offered).</summary>
    Title,
    /// <summary>The last message is a tool result: a short final answer.</summary>
    AfterTool,
    /// <summary>SPAWN_SUBAGENT with the task tool on offer: a call to the task tool.</summary>
    ToolCall,
    /// <summary>Anything else: a canned answer echoing the prompt's first words.</summary>
    Text,
}

public sealed record MockToolCall(string Id, string Name, string Arguments);

/// <summary>One planned answer: text or a tool call, optional reasoning, and whether to stream slowly.</summary>
public sealed record MockReply(MockReplyKind Kind, string? Text, string? Reasoning, MockToolCall? ToolCall, bool Slow)
{
    /// <summary>The kind as mockllm.py logs it.</summary>
    public string KindName => Kind switch
    {
        MockReplyKind.Title => "title",
        MockReplyKind.AfterTool => "after-tool",
        MockReplyKind.ToolCall => "tool",
        _ => "text",
    };
}
