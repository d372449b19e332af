using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenCodeFixture.Mock;

/// <summary>
/// Writes JSON exactly as Python's <c>json.dumps</c> does with its defaults (", " and ": "
/// separators, <c>ensure_ascii=True</c>, floats as <c>repr</c>). The mock's token counts are
/// <c>len(json.dumps(messages)) // 4</c> and its tool-call ids hash <c>json.dumps(…, sort_keys=True)</c>,
/// so matching Python byte for byte keeps the numbers identical to mockllm.py's.
/// </summary>
public static class PythonJson
{
    public static string Dumps(JsonNode? node, bool sortKeys = false)
    {
        var sb = new StringBuilder();
        Write(sb, node, sortKeys);
        return sb.ToString();
    }

    static void Write(StringBuilder sb, JsonNode? node, bool sortKeys)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                WriteObject(sb, obj, sortKeys);
                break;
            case JsonArray array:
                sb.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Write(sb, array[i], sortKeys);
                }
                sb.Append(']');
                break;
            case JsonValue value:
                WriteValue(sb, value);
                break;
        }
    }

    static void WriteObject(StringBuilder sb, JsonObject obj, bool sortKeys)
    {
        IEnumerable<KeyValuePair<string, JsonNode?>> members = obj;
        // Python sorts by code point; ordinal UTF-16 order differs only for astral vs U+E000.. keys.
        if (sortKeys) members = members.OrderBy(m => m.Key, StringComparer.Ordinal);
        sb.Append('{');
        var first = true;
        foreach (var (key, child) in members)
        {
            if (!first) sb.Append(", ");
            first = false;
            WriteString(sb, key);
            sb.Append(": ");
            Write(sb, child, sortKeys);
        }
        sb.Append('}');
    }

    static void WriteValue(StringBuilder sb, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(sb, value.GetValue<string>());
                break;
            case JsonValueKind.Number:
                sb.Append(PythonNumber(value.ToJsonString()));
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            default:
                sb.Append("null");
                break;
        }
    }

    /// <summary>json.loads turns a literal with a fraction or exponent into a float, the rest into an int.</summary>
    static string PythonNumber(string literal)
    {
        if (literal.IndexOfAny(['.', 'e', 'E']) < 0)
            return BigInteger.Parse(literal, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
        return PythonFloatRepr(double.Parse(literal, CultureInfo.InvariantCulture));
    }

    /// <summary>Python's float repr: shortest round-trip digits, fixed notation for exponents -4..15.</summary>
    public static string PythonFloatRepr(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsInfinity(value)) return value > 0 ? "Infinity" : "-Infinity";
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = shortest.StartsWith('-');
        if (negative) shortest = shortest[1..];

        var exponentAt = shortest.IndexOfAny(['E', 'e']);
        var mantissa = exponentAt < 0 ? shortest : shortest[..exponentAt];
        var exponent = exponentAt < 0 ? 0 : int.Parse(shortest[(exponentAt + 1)..], CultureInfo.InvariantCulture);
        var pointAt = mantissa.IndexOf('.');
        var digits = pointAt < 0 ? mantissa : mantissa.Remove(pointAt, 1);
        var pointPosition = (pointAt < 0 ? mantissa.Length : pointAt) + exponent;

        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits[leadingZeros..].TrimEnd('0');
        pointPosition -= leadingZeros;
        var sign = negative ? "-" : "";
        if (digits.Length == 0) return sign + "0.0";

        var scientificExponent = pointPosition - 1;
        if (scientificExponent is >= -4 and < 16)
        {
            if (pointPosition <= 0) return sign + "0." + new string('0', -pointPosition) + digits;
            if (pointPosition >= digits.Length) return sign + digits + new string('0', pointPosition - digits.Length) + ".0";
            return sign + digits[..pointPosition] + "." + digits[pointPosition..];
        }
        var fraction = digits.Length > 1 ? "." + digits[1..] : "";
        var exponentText = Math.Abs(scientificExponent).ToString("00", CultureInfo.InvariantCulture);
        return sign + digits[0] + fraction + "e" + (scientificExponent < 0 ? "-" : "+") + exponentText;
    }

    /// <summary>ensure_ascii: everything outside ' '..'~' is escaped, as \uXXXX in lower-case hex.</summary>
    static void WriteString(StringBuilder sb, string text)
    {
        sb.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c is >= ' ' and <= '~') sb.Append(c);
                    else sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
            }
        }
        sb.Append('"');
    }
}
