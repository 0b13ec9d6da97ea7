using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Onboarding.Web.Services;

namespace Onboarding.Web.Components.Pages.Dashboard;

/// <summary>
/// The founder interview: the chat (each reply streamed, each turn saved once under its message id with the version
/// it answers), progress through the seven stages, pause and resume, abandon and recover, and at the end the brief
/// (each field with where it came from, and correctable) with Approve and Revise, then its analysis. The interview's id rides in the address, so a reload goes on from there.
/// </summary>
public sealed partial class InterviewPage : IDisposable
{
    private const int SaveAttempts = 3;

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Line> _lines = [];
    private readonly Dictionary<string, string> _corrections = [];
    private View _view = View.Loading;
    private string? _sessionId;
    private string _introduction = "";
    private int _version;
    private int _stage = 1;
    private string? _stageName;
    private int _stagePercent;
    private int _overall;
    private string? _draft;
    private StringBuilder? _streaming;
    private bool _busy;
    private bool _saving;
    private string? _error;
    private string? _notice;
    private InterviewBrief? _brief;
    private ElementReference _answerBox;
    private bool _focusAnswer;

    // Whether the last render drew the answer box enabled; set while rendering, read after it.
    private bool _answerBoxRendered;

    private enum View { Loading, NotStarted, Chat, Paused, Abandoned, Summary }

    private sealed record Line(string Role, string Content);

    [Inject] private InterviewApiClient Api { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [Inject] private TimeProvider Time { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "session")]
    private string? Session { get; set; }

    private string SavedText => _saving ? "Saving…" : _version > 0 ? $"Saved ✓ v{_version}" : "";

    protected override async Task OnInitializedAsync()
    {
        var status = await Api.StatusAsync(Session, _stop.Token);
        if (!Accept(status) || status.Value!.SessionId is not { } id)
        {
            _view = View.NotStarted;
            return;
        }

        await ShowAsync(id, status.Value.Status, status.Value);
    }

    private async Task ShowAsync(string id, string? status, InterviewStatus? progress)
    {
        Remember(id);
        switch (status)
        {
            case "completed":
                _view = View.Summary;
                await LoadBriefAsync();
                break;
            case "abandoned":
                _view = View.Abandoned;
                break;
            case "paused":
                (_stage, _overall) = (progress?.CurrentStage ?? 1, progress?.OverallProgress ?? 0);
                _view = View.Paused;
                break;
            default:
                Apply(await Api.StartAsync(id, _stop.Token));
                break;
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // The button that started, resumed or sent is gone or disabled: the keyboard goes on in the answer box. What
        // this render drew decides, not the fields now: a reply can land between a render and its callback, and focusing
        // a box that render left out or disabled does nothing (CI saw the focus lost so).
        var rendered = _answerBoxRendered;
        _answerBoxRendered = false;
        if (_focusAnswer && rendered)
        {
            _focusAnswer = false;
            try
            {
                await _answerBox.FocusAsync();
            }
            catch (Exception e) when (e is JSException or JSDisconnectedException)
            {
                // The box was replaced or the browser left; focus stays where it is.
            }
        }
    }

    private async Task StartAsync() => await BusyAsync(async () => Apply(await Api.StartAsync(null, _stop.Token)));

    private async Task StartNewAsync()
    {
        _sessionId = null;
        await StartAsync();
    }

    private async Task ResumeAsync() => await BusyAsync(async () => Apply(await Api.StartAsync(_sessionId, _stop.Token)));

    private async Task RecoverAsync() => await BusyAsync(async () => Apply(await Api.RecoverAsync(_sessionId!, _stop.Token)));

    private async Task PauseAsync() => await BusyAsync(async () =>
    {
        if (Accept(await Api.PauseAsync(_sessionId!, _stop.Token)))
        {
            _view = View.Paused;
        }
    });

    private async Task AbandonAsync() => await BusyAsync(async () =>
    {
        if (Accept(await Api.AbandonAsync(_sessionId!, _stop.Token)))
        {
            _view = View.Abandoned;
        }
    });

    private async Task ReviseAsync() => await BusyAsync(async () =>
    {
        if (Accept(await Api.ReviseAsync(_sessionId!, _stop.Token)))
        {
            Apply(await Api.StartAsync(_sessionId, _stop.Token));
        }
    });

    /// <summary>Approve: the brief with the founder's corrections is written and its analysis queued.</summary>
    private async Task ApproveAsync() => await BusyAsync(async () =>
    {
        if (Accept(await Api.CompleteAsync(_sessionId!, _corrections, _stop.Token)))
        {
            _corrections.Clear();
            await LoadBriefAsync();
        }
    });

    /// <summary>A field in the founder's words, kept until Approve; back to what the conversation said, it is no correction.</summary>
    private void Correct(BriefCorrection correction)
    {
        if ((_brief?.Fields.GetValueOrDefault(correction.Field) ?? "") == correction.Value)
        {
            _corrections.Remove(correction.Field);
        }
        else
        {
            _corrections[correction.Field] = correction.Value;
        }
    }

    /// <summary>One turn: the founder's answer, the streamed reply, then the save of both under one message id.</summary>
    private async Task SendAsync()
    {
        var answer = _draft?.Trim();
        if (string.IsNullOrEmpty(answer) || _busy || _sessionId is null)
        {
            return;
        }

        (_busy, _error, _notice, _draft) = (true, null, null, null);
        var founderAt = Time.GetUtcNow();
        _lines.Add(new Line("user", answer));
        _streaming = new StringBuilder();
        var reply = await Api.StreamAsync(_sessionId, answer, async text =>
        {
            _streaming?.Append(text);
            await InvokeAsync(StateHasChanged);
        }, _stop.Token);
        _streaming = null;
        if (!Accept(reply))
        {
            // Nothing was saved: the answer goes back into the box to send again.
            _lines.RemoveAt(_lines.Count - 1);
            (_draft, _busy, _focusAnswer) = (answer, false, true);
            return;
        }

        _lines.Add(new Line("assistant", reply.Value!.Content));
        _saving = true;
        StateHasChanged();
        await SaveAsync("msg_" + Guid.NewGuid().ToString("N"), answer, founderAt, reply.Value.Content);
        (_saving, _busy, _focusAnswer) = (false, false, true);
    }

    private async Task SaveAsync(string messageId, string answer, DateTimeOffset founderAt, string reply)
    {
        InterviewResult<InterviewSaved> saved = new(null, InterviewApiClient.Unavailable);
        // A lost answer is retried under the same message id: the Api writes it once whichever attempt arrives.
        for (var attempt = 1; attempt <= SaveAttempts; attempt++)
        {
            saved = await Api.SaveAsync(_sessionId!, messageId, answer, founderAt, reply, Time.GetUtcNow(), _version, _stop.Token);
            if (saved.Code != InterviewApiClient.Unavailable)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(300 * attempt), Time, _stop.Token);
        }

        switch (saved)
        {
            case { Code: "version_conflict" }:
                _notice = "This interview changed in another tab; here is its latest state.";
                Apply(await Api.StartAsync(_sessionId, _stop.Token));
                return;
            case { Ok: false }:
                Accept(saved);
                return;
            case { Value.Status: "duplicate" }:
                Apply(await Api.StartAsync(_sessionId, _stop.Token));
                return;
        }

        var turn = saved.Value!;
        _version = turn.Version;
        (_stage, _stageName, _stagePercent, _overall) = (turn.CurrentStage ?? _stage, turn.StageName ?? _stageName, turn.StageProgress ?? 0, turn.OverallProgress ?? 0);
        if (turn.Completed == true)
        {
            _view = View.Summary;
            await LoadBriefAsync();
        }
    }

    /// <summary>Loads the brief, and follows its analysis until the run finishes.</summary>
    private async Task LoadBriefAsync()
    {
        var brief = await Api.BriefAsync(_sessionId!, _stop.Token);
        if (!Accept(brief))
        {
            return;
        }

        _brief = brief.Value;
        if (_brief!.Analysis is { IsFinal: false })
        {
            _ = FollowAnalysisAsync();
        }
    }

    private async Task FollowAnalysisAsync()
    {
        try
        {
            while (_brief?.Analysis is { IsFinal: false })
            {
                await Task.Delay(TimeSpan.FromSeconds(1), Time, _stop.Token);
                var brief = await Api.BriefAsync(_sessionId!, _stop.Token);
                if (brief.Value is not null)
                {
                    _brief = brief.Value;
                    await InvokeAsync(StateHasChanged);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The page closed.
        }
    }

    private void Apply(InterviewResult<InterviewStarted> started)
    {
        if (!Accept(started))
        {
            return;
        }

        var interview = started.Value!;
        Remember(interview.SessionId);
        _introduction = interview.AgentIntroduction;
        _version = interview.Version;
        (_stage, _stageName, _stagePercent, _overall) = (interview.StageInfo.CurrentStage, interview.StageInfo.StageName, interview.StageProgress, interview.OverallProgress);
        _lines.Clear();
        _lines.AddRange(interview.Messages.Select(m => new Line(m.Role, m.Content)));
        if (_lines.Count == 0 || _lines[^1].Content != interview.FirstQuestion)
        {
            _lines.Add(new Line("assistant", interview.FirstQuestion));
        }

        _view = View.Chat;
        _focusAnswer = true;
    }

    /// <summary>Keeps the interview's id in the address, so a reload comes back to it.</summary>
    private void Remember(string id)
    {
        _sessionId = id;
        if (Session != id)
        {
            Navigation.NavigateTo($"/dashboard/interview?session={Uri.EscapeDataString(id)}", replace: true);
        }
    }

    private bool Accept<T>(InterviewResult<T> result)
    {
        if (result.Ok)
        {
            return true;
        }

        if (result.Code == InterviewApiClient.Unauthorized)
        {
            Navigation.NavigateTo("/dashboard/sign-in?ReturnUrl=%2Fdashboard%2Finterview", forceLoad: true);
        }

        _error = result.Message ?? "Something went wrong.";
        return false;
    }

    private async Task BusyAsync(Func<Task> action)
    {
        (_busy, _error, _notice) = (true, null, null);
        try
        {
            await action();
        }
        finally
        {
            _busy = false;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
