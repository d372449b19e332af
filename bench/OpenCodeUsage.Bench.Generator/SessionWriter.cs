namespace OpenCodeUsage.Bench.Generator;

/// <summary>
/// Writes sessions turn by turn: a user message with its text part, then the assistant steps answering it.
/// Subagent children are written while their parent's task tool runs; a planned fork after its source ends.
/// </summary>
internal sealed class SessionWriter
{
    private const string RunPermission =
        "[{\"permission\":\"question\",\"pattern\":\"*\",\"action\":\"deny\"},{\"permission\":\"plan_enter\",\"pattern\":\"*\",\"action\":\"deny\"},{\"permission\":\"plan_exit\",\"pattern\":\"*\",\"action\":\"deny\"}]";

    private const string ChildPermission =
        "[{\"permission\":\"question\",\"pattern\":\"*\",\"action\":\"deny\"},{\"permission\":\"plan_enter\",\"pattern\":\"*\",\"action\":\"deny\"},{\"permission\":\"plan_exit\",\"pattern\":\"*\",\"action\":\"deny\"},{\"permission\":\"task\",\"pattern\":\"*\",\"action\":\"deny\"}]";

    private readonly Generation _g;
    private readonly EventLog _events;
    private readonly TokenModel _tokens;
    private readonly StepWriter _steps;
    private readonly Payloads _payloads;

    public SessionWriter(Generation g)
    {
        _g = g;
        _events = new EventLog(g);
        _tokens = new TokenModel(g);
        _steps = new StepWriter(g, _events, _tokens, RunChild);
        _payloads = new Payloads(g.Json);
    }

    public void WriteRoot(SessionPlan plan, long start, ProjectInfo project)
    {
        var s = NewSession(SessionKind.Root, start, project, parentId: null, Title(), "build", Catalog.PickModel(_g.Random),
            _g.Chance(0.5) ? RunPermission : null, record: plan.Fork is not null);
        WriteTurns(s, plan);
        Finish(s);
        _g.Expected.RootSessions++;
        if (plan.Fork is not null)
        {
            new ForkWriter(_g, _events, this).Write(s, plan.Fork, s.Clock + _g.LogNormal(3 * 3_600_000, 1.6, 20_000, 14 * 86_400_000L));
        }
    }

    public SessionState NewSession(SessionKind kind, long created, ProjectInfo project, string? parentId, string title,
        string agent, ModelInfo model, string? permission, bool record)
    {
        var s = new SessionState
        {
            Id = _g.Ids.Session(created),
            Kind = kind,
            Project = project,
            ParentId = parentId,
            Slug = $"{Catalog.Pick(_g.Random, Catalog.Adjectives)}-{Catalog.Pick(_g.Random, Catalog.Nouns)}",
            Title = title,
            Agent = agent,
            Model = model,
            Permission = permission,
            Created = created,
            Clock = created,
            Snapshot = _g.Ids.Hex(40),
            Recorded = record ? [] : null,
        };
        _events.SessionCreated(s);
        _tokens.StartSession(s);
        return s;
    }

    public void WriteTurns(SessionState s, SessionPlan plan)
    {
        foreach (var turn in plan.Turns)
        {
            WriteTurn(s, turn);
        }
    }

    /// <summary>Writes the session row (its columns are the sums of its messages) and its event sequence.</summary>
    public void Finish(SessionState s)
    {
        var updated = s.Clock + _g.Between(5, 60);
        _g.Db.Session(new SessionRow(s.Id, s.Project.Id, s.ParentId, s.Slug, s.Project.Directory, s.Title, s.Permission,
            s.Agent, s.ModelJson, s.Created, updated, s.Totals));
        _g.Db.EventSequence(s.Id, s.EventSeq);
        s.Project.Updated = Math.Max(s.Project.Updated, updated);
    }

    private void WriteTurn(SessionState s, TurnPlan turn)
    {
        var created = s.TurnsWritten == 0
            ? s.Created + _g.Between(30, 400)
            : s.Clock + _g.LogNormal(90_000, 1.4, 3_000, 6 * 3_600_000);
        if (s.Kind != SessionKind.Child && s.TurnsWritten > 0 && _g.Chance(0.03))
        {
            s.Model = Catalog.PickModel(_g.Random); // the user switched models mid-session
        }

        var agent = s.Kind == SessionKind.Child ? s.Agent : _g.Chance(0.12) ? "plan" : "build";
        var id = _g.Ids.Message(created);
        var data = _payloads.User(created, agent, s.Model);
        _g.Db.Message(id, s.Id, created, created + _g.Between(300, 1_500), data);
        _events.MessageUpdated(s, created, id, data);

        var prompt = _g.Prose((int)_g.LogNormal(220, 1.0, 8, 6_000));
        _tokens.AddPrompt(s, prompt.Length);
        var partTime = created + _g.Between(5, 20);
        var part = _payloads.Text("text", prompt, start: null, end: 0);
        var partId = _g.Ids.Part(partTime);
        _g.Db.Part(partId, id, s.Id, partTime, partTime + 1, part);
        _events.PartUpdated(s, partTime, id, partId, part);
        s.Recorded?.Add(new RecordedMessage(id, true, data, created, null, default, 0m, [part]));
        _g.Expected.UserMessages++;
        s.Clock = partTime + 1;

        for (var i = 0; i < turn.Steps.Length; i++)
        {
            var last = i == turn.Steps.Length - 1;
            _steps.Write(s, id, turn.Steps[i], answer: last, aborted: last && turn.Aborted, agent, agent);
        }

        s.TurnsWritten++;
        _events.SessionUpdated(s, s.Clock + _g.Between(5, 20));
    }

    private ChildRun RunChild(SessionState parent, SessionPlan plan, long start)
    {
        var agent = _g.Chance(0.7) ? "general" : "explore";
        var description = $"{Catalog.Pick(_g.Random, Catalog.TitleVerbs)} {Catalog.Pick(_g.Random, Catalog.TitleTargets)}";
        var child = NewSession(SessionKind.Child, start, parent.Project, parent.Id, $"{description} (@{agent} subagent)",
            agent, parent.Model, ChildPermission, record: false);
        WriteTurns(child, plan);
        Finish(child);
        _g.Expected.ChildSessions++;
        return new ChildRun(child.Id, description, agent, child.Clock);
    }

    private string Title()
    {
        var title = $"{Catalog.Pick(_g.Random, Catalog.TitleVerbs)} {Catalog.Pick(_g.Random, Catalog.TitleObjects)} {Catalog.Pick(_g.Random, Catalog.TitleTargets)}";
        return title.Length > 50 ? title[..50] : title;
    }
}
