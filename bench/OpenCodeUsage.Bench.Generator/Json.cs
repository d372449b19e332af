using System.Globalization;
using System.Text;

namespace OpenCodeUsage.Bench.Generator;

/// <summary>
/// Builds compact JSON the way OpenCode (TypeScript, JSON.stringify) prints it: no spaces, keys in the
/// order written, numbers in JavaScript's format. Hand-rolled because the key order of real rows must be
/// copied exactly and because it writes several GB without intermediate objects.
/// </summary>
internal sealed class Json
{
    private readonly StringBuilder _text = new(16 * 1024);
    private bool _needComma;

    public Json Start()
    {
        _text.Clear();
        _needComma = false;
        return Open();
    }

    public Json Open()
    {
        Separate();
        _text.Append('{');
        _needComma = false;
        return this;
    }

    public Json Close()
    {
        _text.Append('}');
        _needComma = true;
        return this;
    }

    public Json Obj(string name) => Key(name).OpenValue();

    public Json Str(string name, string value)
    {
        Key(name);
        AppendString(_text, value);
        _needComma = true;
        return this;
    }

    /// <summary>A string value whose content is already JSON-escaped (slices of the text corpus).</summary>
    public Json Escaped(string name, string escaped, int start, int length)
    {
        Key(name);
        _text.Append('"').Append(escaped, start, length).Append('"');
        _needComma = true;
        return this;
    }

    public Json Num(string name, long value)
    {
        Key(name);
        _text.Append(value.ToString(CultureInfo.InvariantCulture));
        _needComma = true;
        return this;
    }

    public Json Num(string name, double value)
    {
        Key(name);
        _text.Append(JsNumber(value));
        _needComma = true;
        return this;
    }

    public Json Bool(string name, bool value)
    {
        Key(name);
        _text.Append(value ? "true" : "false");
        _needComma = true;
        return this;
    }

    /// <summary>A value that is already JSON (an object or array built elsewhere).</summary>
    public Json Raw(string name, string json)
    {
        Key(name);
        _text.Append(json);
        _needComma = true;
        return this;
    }

    public override string ToString() => _text.ToString();

    /// <summary>Prints a double as JavaScript does: shortest round-trip digits, exponent only below 1e-6 or from 1e21.</summary>
    public static string JsNumber(double value)
    {
        if (value == 0)
        {
            return "0";
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E');
        if (e < 0)
        {
            return text;
        }

        var exponent = int.Parse(text.AsSpan(e + 1), CultureInfo.InvariantCulture);
        var mantissa = text[..e];
        if (exponent < -6 || exponent >= 21)
        {
            return mantissa + "e" + (exponent > 0 ? "+" : "") + exponent.ToString(CultureInfo.InvariantCulture);
        }

        // .NET switches to E notation earlier than JavaScript: spell those out with the same digits.
        var negative = mantissa.StartsWith('-');
        var unsigned = negative ? mantissa[1..] : mantissa;
        var dot = unsigned.IndexOf('.');
        var digits = dot < 0 ? unsigned : unsigned.Remove(dot, 1);
        var point = (dot < 0 ? unsigned.Length : dot) + exponent;
        var plain = point <= 0
            ? "0." + new string('0', -point) + digits
            : point >= digits.Length
                ? digits + new string('0', point - digits.Length)
                : digits[..point] + "." + digits[point..];
        return negative ? "-" + plain : plain;
    }

    public static void AppendString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\t': text.Append("\\t"); break;
                case < ' ': text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: text.Append(c); break;
            }
        }

        text.Append('"');
    }

    public static string Quote(string value)
    {
        var text = new StringBuilder(value.Length + 2);
        AppendString(text, value);
        return text.ToString();
    }

    private Json Key(string name)
    {
        Separate();
        _text.Append('"').Append(name).Append("\":");
        _needComma = false;
        return this;
    }

    private Json OpenValue()
    {
        _text.Append('{');
        _needComma = false;
        return this;
    }

    private void Separate()
    {
        if (_needComma)
        {
            _text.Append(',');
        }
    }
}
