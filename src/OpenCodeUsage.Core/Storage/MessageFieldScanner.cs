using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace OpenCodeUsage.Storage;

/// <summary>
/// The quick way to a message's fields: one pass over the bytes, for the shape OpenCode writes. It answers only where
/// Utf8JsonReader (<see cref="MessagePayload"/>'s parse) is sure to read the same, and gives up everywhere else so that
/// parse decides: comments, escapes in a name it compares or a value it keeps, non-ASCII in either, invalid UTF-8,
/// numbers it would not read exactly, deep nesting, anything malformed. Its code is compiled once, fully optimised, and
/// calls nothing per byte: Utf8JsonReader's methods were what the runtime kept recompiling through the first call.
/// </summary>
internal ref struct MessageFieldScanner
{
    // Utf8JsonReader refuses a document nested deeper than 64; well before that, this one leaves it to the reader.
    private const int MaxDepth = 60;

    // The longest number this scanner reads itself; longer ones are the reader's.
    private const int MaxNumberLength = 40;

    private readonly ReadOnlySpan<byte> _json;
    private int _at;
    private int _depth;

    private MessageFieldScanner(ReadOnlySpan<byte> json)
    {
        _json = json;
        _at = 0;
        _depth = 0;
    }

    /// <summary>
    /// True: <paramref name="p"/> holds what the parse would have read. False: the scanner gave up (p is partial) and
    /// the message must be parsed; false never says the message is malformed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryRead(ReadOnlySpan<byte> json, ref MessagePayload p, StringPool? strings, bool readIds)
    {
        var scanner = new MessageFieldScanner(json);
        return scanner.ReadMessage(ref p, strings, readIds);
    }

    // The objects whose members are read; every other value is skipped.
    private enum Shape
    {
        Message,
        Tokens,
        Cache,
        Time,
        Error,
        Model,
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ReadMessage(ref MessagePayload p, StringPool? strings, bool readIds)
    {
        SkipWhitespace();
        string? userModelId = null, userProviderId = null;
        if (Peek() != '{' || !ReadObject(Shape.Message, ref p, ref userModelId, ref userProviderId, strings, readIds))
        {
            return false;
        }

        p.ModelId ??= userModelId;
        p.ProviderId ??= userProviderId;
        return true;
    }

    /// <summary>At '{': an object whose members <paramref name="shape"/> says how to read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ReadObject(Shape shape, ref MessagePayload p, ref string? modelId, ref string? providerId, StringPool? strings, bool readIds)
    {
        if (!OpenObject(out var done))
        {
            return false;
        }

        while (!done)
        {
            if (!ReadName(out var name) || !ReadMember(shape, name, ref p, ref modelId, ref providerId, strings, readIds)
                || !NextMember(out done))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An object read as <paramref name="shape"/>; any other value is skipped, as in the parse.</summary>
    private bool ReadNested(Shape shape, ref MessagePayload p, ref string? modelId, ref string? providerId, StringPool? strings) =>
        Peek() == '{' ? ReadObject(shape, ref p, ref modelId, ref providerId, strings, readIds: false) : SkipValue();

    /// <summary>One member's value, by the name it has in an object of this shape (the parse's rules, field by field).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ReadMember(Shape shape, ReadOnlySpan<byte> name, ref MessagePayload p, ref string? modelId, ref string? providerId,
        StringPool? strings, bool readIds)
    {
        switch (shape)
        {
            case Shape.Message:
                return name.Length switch
                {
                    2 when readIds && name.SequenceEqual("id"u8) => ReadKept(out p.Id, null),
                    4 when name.SequenceEqual("role"u8) => ReadRole(ref p),
                    4 when name.SequenceEqual("mode"u8) => ReadKept(out p.Mode, strings),
                    4 when name.SequenceEqual("cost"u8) => ReadCost(ref p),
                    4 when name.SequenceEqual("time"u8) => ReadNested(Shape.Time, ref p, ref modelId, ref providerId, strings),
                    5 when name.SequenceEqual("agent"u8) => ReadKept(out p.Agent, strings),
                    5 when name.SequenceEqual("error"u8) => ReadNested(Shape.Error, ref p, ref modelId, ref providerId, strings),
                    5 when name.SequenceEqual("model"u8) => ReadNested(Shape.Model, ref p, ref modelId, ref providerId, strings),
                    6 when name.SequenceEqual("finish"u8) => ReadKept(out p.Finish, strings),
                    6 when name.SequenceEqual("tokens"u8) => ReadTokens(ref p, ref modelId, ref providerId, strings),
                    7 when name.SequenceEqual("modelID"u8) => ReadKept(out p.ModelId, strings),
                    9 when readIds && name.SequenceEqual("sessionID"u8) => ReadKept(out p.SessionId, null),
                    10 when name.SequenceEqual("providerID"u8) => ReadKept(out p.ProviderId, strings),
                    _ => SkipValue(),
                };
            case Shape.Tokens:
                return name.SequenceEqual("input"u8) ? ReadLong(out p.Input, out _)
                    : name.SequenceEqual("output"u8) ? ReadLong(out p.Output, out _)
                    : name.SequenceEqual("reasoning"u8) ? ReadLong(out p.Reasoning, out _)
                    : name.SequenceEqual("total"u8) ? ReadLong(out p.Total, out p.HasTotal)
                    : name.SequenceEqual("cache"u8) ? ReadNested(Shape.Cache, ref p, ref modelId, ref providerId, strings)
                    : SkipValue();
            case Shape.Cache:
                return name.SequenceEqual("read"u8) ? ReadLong(out p.CacheRead, out _)
                    : name.SequenceEqual("write"u8) ? ReadLong(out p.CacheWrite, out _)
                    : SkipValue();
            case Shape.Time:
                return name.SequenceEqual("created"u8) ? ReadLong(out p.Created, out _)
                    : name.SequenceEqual("completed"u8) ? ReadLong(out p.Completed, out _)
                    : SkipValue();
            case Shape.Error:
                return name.SequenceEqual("name"u8) ? ReadKept(out p.ErrorName, strings) : SkipValue();
            default:
                // 1.x user messages name their model as {providerID, modelID}; 2.x rows of every kind as {id, providerID}.
                return name.SequenceEqual("modelID"u8) || name.SequenceEqual("id"u8) ? ReadKept(out modelId, strings)
                    : name.SequenceEqual("providerID"u8) ? ReadKept(out providerId, strings)
                    : SkipValue();
        }
    }

    private bool ReadTokens(ref MessagePayload p, ref string? modelId, ref string? providerId, StringPool? strings)
    {
        if (Peek() != '{')
        {
            return SkipValue();
        }

        p.HasTokens = true; // an object, even an empty one: as in the parse
        return ReadObject(Shape.Tokens, ref p, ref modelId, ref providerId, strings, readIds: false);
    }

    private bool ReadRole(ref MessagePayload p)
    {
        if (Peek() != '"')
        {
            p.HasRole = p.IsAssistant = false;
            return SkipValue();
        }

        if (!ReadPlainString(out var role))
        {
            return false;
        }

        p.HasRole = true;
        p.IsAssistant = role.SequenceEqual("assistant"u8);
        return true;
    }

    private bool ReadCost(ref MessagePayload p)
    {
        if (!IsNumberStart(Peek()))
        {
            p.Cost = 0;
            return SkipValue();
        }

        var start = _at;
        if (!SkipNumber() || _at - start > MaxNumberLength
            || !double.TryParse(_json[start.._at], NumberStyles.Float, CultureInfo.InvariantCulture, out var cost)
            || !double.IsFinite(cost))
        {
            return false;
        }

        p.Cost = cost;
        return true;
    }

    /// <summary>A string value to keep; anything else is skipped and reads as absent, as in the parse.</summary>
    private bool ReadKept(out string? value, StringPool? strings)
    {
        value = null;
        if (Peek() != '"')
        {
            return SkipValue();
        }

        if (!ReadPlainString(out var text))
        {
            return false;
        }

        value = strings is null ? Encoding.UTF8.GetString(text) : strings.Get(text);
        return true;
    }

    /// <summary>A count written as a plain integer; fractions, exponents and long runs of digits are the parse's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ReadLong(out long value, out bool isNumber)
    {
        value = 0;
        isNumber = IsNumberStart(Peek());
        if (!isNumber)
        {
            return SkipValue();
        }

        var negative = Peek() == '-';
        if (negative)
        {
            _at++;
        }

        var start = _at;
        long magnitude = 0;
        while (_at < _json.Length && (uint)(_json[_at] - '0') <= 9)
        {
            magnitude = magnitude * 10 + (_json[_at] - '0');
            _at++;
        }

        var digits = _at - start;
        if (digits == 0 || digits > 18 || (digits > 1 && _json[start] == '0')
            || Peek() is (byte)'.' or (byte)'e' or (byte)'E')
        {
            return false;
        }

        value = negative ? -magnitude : magnitude;
        return true;
    }

    /// <summary>At a name: reads it (no escapes, ASCII only) and the colon after it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool ReadName(out ReadOnlySpan<byte> name)
    {
        if (Peek() != '"' || !ReadPlainString(out name))
        {
            name = default;
            return false;
        }

        return SkipColon();
    }

    /// <summary>After a member's name: the colon, and the whitespace either side of it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool SkipColon()
    {
        SkipWhitespace();
        if (Peek() != ':')
        {
            return false;
        }

        _at++;
        SkipWhitespace();
        return true;
    }

    /// <summary>At a quote: a string of printable ASCII without escapes, which reads as its bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool ReadPlainString(out ReadOnlySpan<byte> text)
    {
        var start = ++_at;
        while (_at < _json.Length)
        {
            var b = _json[_at];
            if (b == '"')
            {
                text = _json[start.._at];
                _at++;
                return true;
            }

            if (b < 0x20 || b >= 0x80 || b == '\\')
            {
                break;
            }

            _at++;
        }

        text = default;
        return false;
    }

    /// <summary>After '{': enters the object; done when it is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool OpenObject(out bool done)
    {
        done = false;
        if (++_depth > MaxDepth)
        {
            return false;
        }

        _at++;
        SkipWhitespace();
        if (Peek() == '}')
        {
            _at++;
            _depth--;
            done = true;
            return true;
        }

        return Peek() == '"';
    }

    /// <summary>After a member's value: a comma and the next name, or the object's end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool NextMember(out bool done)
    {
        SkipWhitespace();
        done = false;
        if (Peek() == ',')
        {
            _at++;
            SkipWhitespace();
            return Peek() == '"';
        }

        if (Peek() == '}')
        {
            _at++;
            _depth--;
            done = true;
            return true;
        }

        return false;
    }

    /// <summary>Any JSON value, checked as strictly as Utf8JsonReader checks it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool SkipValue()
    {
        switch (Peek())
        {
            case (byte)'"':
                return SkipString();
            case (byte)'{':
                return SkipObject();
            case (byte)'[':
                return SkipArray();
            case (byte)'t':
                return SkipLiteral("true"u8);
            case (byte)'f':
                return SkipLiteral("false"u8);
            case (byte)'n':
                return SkipLiteral("null"u8);
            default:
                return IsNumberStart(Peek()) && SkipNumber();
        }
    }

    private bool SkipObject()
    {
        if (!OpenObject(out var done))
        {
            return false;
        }

        while (!done)
        {
            if (!SkipString() || !SkipColon() || !SkipValue() || !NextMember(out done))
            {
                return false;
            }
        }

        return true;
    }

    private bool SkipArray()
    {
        if (++_depth > MaxDepth)
        {
            return false;
        }

        _at++;
        SkipWhitespace();
        if (Peek() == ']')
        {
            _at++;
            _depth--;
            return true;
        }

        while (true)
        {
            if (!SkipValue())
            {
                return false;
            }

            SkipWhitespace();
            if (Peek() == ',')
            {
                _at++;
                SkipWhitespace();
                continue;
            }

            if (Peek() != ']')
            {
                return false;
            }

            _at++;
            _depth--;
            return true;
        }
    }

    /// <summary>
    /// At a quote: any string Utf8JsonReader accepts, escapes and UTF-8 included; a \u escape of a surrogate half is
    /// left to the reader, which pairs them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool SkipString()
    {
        if (Peek() != '"')
        {
            return false;
        }

        _at++;
        while (_at < _json.Length)
        {
            var b = _json[_at];
            if (b == '"')
            {
                _at++;
                return true;
            }

            if (b == '\\')
            {
                if (!SkipEscape())
                {
                    return false;
                }
            }
            else if (b < 0x20)
            {
                return false;
            }
            else if (b < 0x80)
            {
                _at++;
            }
            else if (System.Text.Rune.DecodeFromUtf8(_json[_at..], out _, out var length) == OperationStatus.Done)
            {
                _at += length;
            }
            else
            {
                return false;
            }
        }

        return false;
    }

    private bool SkipEscape()
    {
        if (_at + 1 >= _json.Length)
        {
            return false;
        }

        switch (_json[_at + 1])
        {
            case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                _at += 2;
                return true;
            case (byte)'u':
                if (_at + 6 > _json.Length)
                {
                    return false;
                }

                var code = 0;
                for (var i = _at + 2; i < _at + 6; i++)
                {
                    var digit = HexValue(_json[i]);
                    if (digit < 0)
                    {
                        return false;
                    }

                    code = code * 16 + digit;
                }

                if (code is >= 0xD800 and <= 0xDFFF)
                {
                    return false;
                }

                _at += 6;
                return true;
            default:
                return false;
        }
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    /// <summary>At '-' or a digit: a number by JSON's grammar (no leading zeros, digits after '.' and 'e').</summary>
    private bool SkipNumber()
    {
        if (Peek() == '-')
        {
            _at++;
        }

        if (Peek() == '0')
        {
            _at++;
        }
        else if (!SkipDigits())
        {
            return false;
        }

        if (Peek() == '.')
        {
            _at++;
            if (!SkipDigits())
            {
                return false;
            }
        }

        if (Peek() is (byte)'e' or (byte)'E')
        {
            _at++;
            if (Peek() is (byte)'+' or (byte)'-')
            {
                _at++;
            }

            if (!SkipDigits())
            {
                return false;
            }
        }

        return true;
    }

    private bool SkipDigits()
    {
        var start = _at;
        while (_at < _json.Length && (uint)(_json[_at] - '0') <= 9)
        {
            _at++;
        }

        return _at > start;
    }

    private bool SkipLiteral(ReadOnlySpan<byte> literal)
    {
        if (!_json[_at..].StartsWith(literal))
        {
            return false;
        }

        _at += literal.Length;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly byte Peek() => _at < _json.Length ? _json[_at] : (byte)0;

    private static bool IsNumberStart(byte b) => b == '-' || (uint)(b - '0') <= 9;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SkipWhitespace()
    {
        while (_at < _json.Length && _json[_at] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            _at++;
        }
    }
}
