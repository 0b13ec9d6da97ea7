using Microsoft.Playwright;
using Onboarding.EndToEnd.Tests.Infrastructure;
using Onboarding.Testing;

namespace Onboarding.EndToEnd.Tests;

/// <summary>The founder interview in Chromium on the composed system: answer, reload, pause, finish, correct, approve, read the analysis.</summary>
public sealed class InterviewTests(ComposedSystem system)
{
    private readonly CodingAgent _agent = new(system);

    [Fact]
    public async Task AFounderAnswersReloadsMidInterviewFinishesCorrectsTheBriefAndReadsTheAnalysis()
    {
        var key = await _agent.ClaimWorkspaceAsync();
        await using var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await system.SignInToDashboardAsync(page, key);

        await page.GotoAsync($"{system.App.WebUrl}/dashboard/interview");
        await page.ClickAsync("button.start");
        await Expect(page.Locator(".chat .line.assistant").Last).ToContainTextAsync("What are you building");
        await Expect(page.Locator(".stage-progress .stage-name")).ToHaveTextAsync("Welcome & Introduction");

        // The first answer: the reply streams in, the turn is saved as version 1.
        await AnswerAsync(page, ScriptedFounder.Answers[0]);
        await Expect(page.Locator(".chat .line.assistant").Last).ToContainTextAsync("What brought you to this idea?");
        await Expect(page.Locator(".saved")).ToHaveTextAsync("Saved ✓ v1");
        Assert.Matches("/dashboard/interview\\?session=itv_[0-9A-Z]{26}$", page.Url);

        // A reload comes back to the same conversation and goes on from there.
        await page.ReloadAsync();
        await Expect(page.Locator(".chat .line.user")).ToHaveTextAsync(ScriptedFounder.Answers[0]);
        await Expect(page.Locator(".chat .line.assistant").Last).ToContainTextAsync("What brought you to this idea?");
        await Expect(page.Locator(".saved")).ToHaveTextAsync("Saved ✓ v1");
        await AnswerAsync(page, ScriptedFounder.Answers[1]);
        await Expect(page.Locator(".saved")).ToHaveTextAsync("Saved ✓ v2");
        await Expect(page.Locator(".stage-progress .stage-name")).ToHaveTextAsync("Customer Discovery");

        // Paused and resumed later, where it was.
        await page.ClickAsync("button.pause");
        await Expect(page.Locator(".paused")).ToContainTextAsync("paused at stage 2 of 7");
        await page.ReloadAsync();
        await page.ClickAsync("button.resume");
        await Expect(page.Locator(".chat .line.user")).ToHaveCountAsync(2);

        for (var i = 2; i < ScriptedFounder.Answers.Count; i++)
        {
            await AnswerAsync(page, ScriptedFounder.Answers[i]);
            if (i < ScriptedFounder.Answers.Count - 1)
            {
                await Expect(page.Locator(".saved")).ToHaveTextAsync($"Saved ✓ v{i + 1}");
            }
        }

        // The summary: the brief in the founder's words, each field with the answer it came from.
        await Expect(page.Locator(".brief dd[data-field='company_name'] .value")).ToHaveTextAsync("Ledgerline");
        await Expect(page.Locator(".brief dd[data-field='target_customers'] .value")).ToHaveTextAsync(ScriptedFounder.Answers[2]);
        await Expect(page.Locator(".brief dd[data-field='target_customers'] .source")).ToContainTextAsync("From your answer 3, to “");

        // The founder corrects a field, then Approve writes the brief with it and queues the analysis, which the Worker writes.
        const string competitors = "Spreadsheets, Xero's own reconciliation, BlackLine and FloQast.";
        await page.ClickAsync(".brief dd[data-field='competitors'] button.correct");
        await page.FillAsync(".brief dd[data-field='competitors'] textarea", competitors);
        await page.ClickAsync(".brief dd[data-field='competitors'] button.keep");
        await Expect(page.Locator(".brief dd[data-field='competitors'] .source")).ToHaveTextAsync("Your correction: saved when you approve.");
        await page.ClickAsync("button.approve");
        await Expect(page.Locator(".analysis")).ToHaveAttributeAsync("data-status", "succeeded", new() { Timeout = 30_000 });
        await Expect(page.Locator(".brief dd[data-field='competitors'] .value")).ToHaveTextAsync(competitors);
        await Expect(page.Locator(".brief dd[data-field='competitors'] .source")).ToHaveTextAsync("Corrected by you on the summary.");
        await Expect(page.Locator(".brief button.correct")).ToHaveCountAsync(0);
        await Expect(page.Locator(".analysis .summary")).ToContainTextAsync("Ledgerline: We're building Ledgerline");
        await Expect(page.Locator(".analysis .insight")).ToHaveCountAsync(6);
        await Expect(page.Locator(".analysis .insight[data-id='customer-focus'] .headline")).ToHaveTextAsync("A specific first customer");

        // The home's journey shows the completed interview and leads back to its brief, not to a new interview.
        await page.GotoAsync($"{system.App.WebUrl}/dashboard");
        await Expect(page.Locator(".interview")).ToHaveAttributeAsync("data-status", "completed");
        await Expect(page.Locator(".interview .analysis")).ToHaveAttributeAsync("data-status", "succeeded");
        await page.ClickAsync(".interview .next a");
        await Expect(page.Locator(".analysis .insight")).ToHaveCountAsync(6);

        // The analysis run is on the dashboard with the others.
        await page.ClickAsync(".analysis .run a");
        await Expect(page.Locator(".timeline .step[data-name='write_analysis']")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task WhatTheFounderTypesIsShownAsTextNeverAsMarkup()
    {
        var key = await _agent.ClaimWorkspaceAsync();
        await using var context = await system.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await system.SignInToDashboardAsync(page, key);
        var dialogs = 0;
        page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };

        await page.GotoAsync($"{system.App.WebUrl}/dashboard/interview");
        await page.ClickAsync("button.start");
        const string hostile = "We're building <img src=x onerror=alert(1)><script>alert(2)</script> for <b>everyone</b> at scale.";
        await AnswerAsync(page, hostile);

        await Expect(page.Locator(".saved")).ToHaveTextAsync("Saved ✓ v1");
        await Expect(page.Locator(".chat .line.user")).ToHaveTextAsync(hostile);
        Assert.Equal(0, await page.Locator(".chat img, .chat script, .chat b").CountAsync());
        Assert.Equal(0, dialogs);
    }

    private static async Task AnswerAsync(IPage page, string answer)
    {
        var before = await page.Locator(".chat .line.user").CountAsync();
        await page.FillAsync("#answer", answer);
        await page.ClickAsync("button.send");
        await Expect(page.Locator(".chat .line.user")).ToHaveCountAsync(before + 1);
        await Expect(page.Locator("button.send, .summary").First).ToBeVisibleAsync();
        await Expect(page.Locator(".chat .streaming")).ToHaveCountAsync(0);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
