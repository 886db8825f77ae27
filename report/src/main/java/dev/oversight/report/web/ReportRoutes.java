package dev.oversight.report.web;

import dev.oversight.report.audit.AuditDownload;
import dev.oversight.report.audit.AuditScope;
import dev.oversight.report.web.Pages.DeployPage;
import dev.oversight.report.web.Pages.DeploysPage;
import dev.oversight.report.web.Pages.ExceptionsPage;
import dev.oversight.report.web.Pages.OverviewPage;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The report's pages on the shared router, one {@code handleX} per route: {@code /overview}, {@code /deploys} (and
 * its export), {@code /deploys/<deployId>}, {@code /exceptions} (and its export), the login form. Every page but the
 * login form passes {@link Access} first; {@code /reports/audit} (the audit package, {@link AuditDownload}); pages run on worker threads (they wait on the database).
 */
public final class ReportRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(ReportRoutes.class);
    private static final String DEPLOY_PREFIX = dev.oversight.events.EvidencePages.PREFIX;
    /** No script, no frame, nothing from elsewhere: the pages need none of it. */
    private static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final ReportQueries queries;
    private final Export export;
    private final Access access;
    private final int pageSize;
    private final Clock clock;
    private final AuditDownload audit;
    private final WhatIfRuns whatIf;
    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);

    public ReportRoutes(ReportQueries queries, Export export, Access access, int pageSize, Clock clock,
                        AuditDownload audit) {
        this(queries, export, access, pageSize, clock, audit, null);
    }

    /** @param whatIf runs the what-if page's comparisons; null: the page says it is not available here */
    public ReportRoutes(ReportQueries queries, Export export, Access access, int pageSize, Clock clock,
                        AuditDownload audit, WhatIfRuns whatIf) {
        this.whatIf = whatIf;
        this.queries = queries;
        this.export = export;
        this.access = access;
        this.pageSize = pageSize;
        this.clock = clock;
        this.audit = audit;
    }

    public void mount(Router router) {
        router.get("/").handler(ctx -> ctx.redirect("/overview"));
        router.get("/login").handler(ctx -> login(ctx, 200, null));
        router.post("/login").handler(BodyHandler.create().setBodyLimit(8 * 1024)).handler(this::handleLogin);
        router.post("/logout").handler(this::handleLogout);
        router.get("/overview").handler(this::guard).blockingHandler(this::handleOverview, false);
        router.get("/deploys").handler(this::guard).blockingHandler(this::handleDeploys, false);
        router.get(DEPLOY_PREFIX + "*").handler(this::guard).blockingHandler(this::handleDeploy, false);
        router.get("/exceptions").handler(this::guard).blockingHandler(this::handleExceptions, false);
        router.get("/reports/audit").handler(this::guard).blockingHandler(this::handleAudit, false);
        router.get("/whatif").handler(this::guard).handler(ctx -> render(ctx, 200, "whatif.jte",
                new Pages.WhatIfPage(java.util.Map.of(), null, java.util.List.of(), null, access.tokenProtected())));
        router.post("/whatif").handler(BodyHandler.create().setBodyLimit(WhatIfRuns.MAX_POLICY_BYTES)
                        .setDeleteUploadedFilesOnEnd(true)).handler(this::guard)
                .blockingHandler(this::handleWhatIf, false);
    }

    /** A policy file uploaded: the comparison of the period with it, on this page (report/README.md, "What if"). */
    private void handleWhatIf(RoutingContext ctx) {
        page(ctx, () -> {
            java.util.Map<String, String> form = new java.util.HashMap<>();
            ctx.request().formAttributes().forEach(e -> form.put(e.getKey(), e.getValue()));
            if (whatIf == null) {
                message(ctx, 503, "What if is not available here", "This report service has no Kafka cluster to"
                        + " replay the evidence from.", null);
                return;
            }
            WhatIfRuns.Outcome outcome = whatIf.run(ctx.fileUploads().stream().filter(u -> u.name().equals("policy"))
                    .findFirst().orElse(null), form);
            render(ctx, outcome.status(), "whatif.jte", new Pages.WhatIfPage(form, outcome.problemsTitle(),
                    outcome.problems(), outcome.run(), access.tokenProtected()));
        });
    }

    private void guard(RoutingContext ctx) {
        secureHeaders(ctx.response());
        switch (access.decide(ctx.request())) {
            case LET_IN -> ctx.next();
            case LOG_IN -> {
                ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"oversight report\"");
                login(ctx, 401, null);
            }
            case FORBIDDEN -> message(ctx, 403, "Only this machine may read the report",
                    "No report token is set, so the report answers only requests from this machine (loopback). "
                            + "To read it from elsewhere, set a token and log in with it, or send it as "
                            + "Authorization: Bearer <token>.",
                    "OVERSIGHT_REPORT_TOKEN=<a long random secret> ./oversight up\n"
                            + "(or OVERSIGHT_REPORT_TOKEN_FILE=/path/to/a/file/holding/it)");
        }
    }

    private void handleOverview(RoutingContext ctx) {
        page(ctx, () -> {
            LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
            Filter filter = filter(ctx).withDefaultPeriod(ReportQueries.defaultFrom(today), today);
            render(ctx, 200, "overview.jte", OverviewPage.of(filter, queries.choices(), queries.overview(filter),
                    access.tokenProtected()));
        });
    }

    private void handleDeploys(RoutingContext ctx) {
        list(ctx, "deploys", queries::deploysQuery, filter -> new DeploysPage(filter, queries.choices(),
                queries.deploys(filter, pageSize), access.tokenProtected()));
    }

    private void handleExceptions(RoutingContext ctx) {
        list(ctx, "exceptions", queries::exceptionsQuery, filter -> new ExceptionsPage(filter, queries.choices(),
                queries.exceptions(filter, pageSize), access.tokenProtected()));
    }

    @FunctionalInterface
    private interface ListPage {
        Object of(Filter filter) throws Exception;
    }

    /** A list: its page ({@code <name>.jte}), or with {@code format=} all of its rows as a download. */
    private void list(RoutingContext ctx, String name, java.util.function.Function<Filter, Sql> query, ListPage page) {
        page(ctx, () -> {
            Filter filter = filter(ctx);
            Export.Format format = Export.Format.of(ctx.request().getParam("format"));
            if (format != null) {
                export.stream(query.apply(filter), format, name, ctx.response());
            } else {
                render(ctx, 200, name + ".jte", page.of(filter));
            }
        });
    }

    /** The audit package of a period, a zip streamed as it is written (report/README.md, "The audit package"). */
    private void handleAudit(RoutingContext ctx) {
        page(ctx, () -> {
            AuditScope scope;
            try {
                scope = AuditScope.parse(ctx.request()::getParam);
            } catch (AuditScope.Invalid e) {
                throw new Filter.Invalid(e.getMessage());
            }
            audit.stream(scope, ctx.request().uri(), ctx.response());
        });
    }

    private void handleDeploy(RoutingContext ctx) {
        page(ctx, () -> {
            String deployId = deployId(ctx.request().path());
            Optional<ReportQueries.DeployDetail> deploy = queries.deploy(deployId);
            if (deploy.isEmpty()) {
                message(ctx, 404, "No such deploy", "The report holds no verdict of the deploy '" + deployId + "'.",
                        null);
                return;
            }
            render(ctx, 200, "deploy.jte", new DeployPage(deploy.get(), access.tokenProtected()));
        });
    }

    /** The deploy id of a page's path: everything after {@code /deploys/}, percent-decoded ('+' stays a '+'). */
    static String deployId(String path) {
        String raw = path.substring(path.indexOf(DEPLOY_PREFIX) + DEPLOY_PREFIX.length());
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Filter.Invalid("the deploy id in the address is not correctly percent-encoded");
        }
    }

    private void handleLogin(RoutingContext ctx) {
        secureHeaders(ctx.response());
        String typed = ctx.request().getFormAttribute("token");
        String next = safeNext(ctx.request().getFormAttribute("next"));
        if (!access.tokenProtected()) {
            ctx.redirect(next);
            return;
        }
        if (!access.accepts(typed)) {
            login(ctx, 401, "That is not the report's token.");
            return;
        }
        ctx.response().addCookie(access.sessionCookie(ctx.request().isSSL()));
        ctx.response().setStatusCode(303).putHeader("Location", next).end();
    }

    private void handleLogout(RoutingContext ctx) {
        ctx.response().addCookie(Access.expiredCookie());
        ctx.response().setStatusCode(303).putHeader("Location", "/login").end();
    }

    /** Where to go after logging in: a path of this server only, never another site. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) {
            return "/overview";
        }
        return next;
    }

    private void login(RoutingContext ctx, int status, String problem) {
        HttpServerRequest request = ctx.request();
        String next = request.method().name().equals("GET") && !request.path().equals("/login") ? request.uri()
                : safeNext(request.getParam("next"));
        render(ctx, status, "login.jte", java.util.Map.of("next", next, "message", problem == null ? "" : problem));
    }

    private void message(RoutingContext ctx, int status, String title, String message, String hint) {
        java.util.Map<String, Object> params = new java.util.HashMap<>();
        params.put("title", title);
        params.put("message", message);
        params.put("hint", hint);
        render(ctx, status, "message.jte", params);
    }

    private static Filter filter(RoutingContext ctx) {
        return Filter.parse(ctx.request()::getParam);
    }

    @FunctionalInterface
    private interface PageWork {
        void run() throws Exception;
    }

    /** Runs a page's work; a filter that cannot be read is a 400, any other failure a 500 (logged). */
    private void page(RoutingContext ctx, PageWork work) {
        try {
            work.run();
        } catch (Filter.Invalid e) {
            message(ctx, 400, "This address cannot be read", e.getMessage(), null);
        } catch (Exception e) {
            LOG.error("report page {} failed", ctx.request().path(), e);
            if (!ctx.response().headWritten()) {
                message(ctx, 500, "The report could not answer",
                        "Reading the report's database failed; the log says why.", null);
            } else {
                ctx.response().reset();
            }
        }
    }

    private void render(RoutingContext ctx, int status, String template, Object model) {
        StringOutput out = new StringOutput();
        if (model instanceof java.util.Map<?, ?> params) {
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> map = (java.util.Map<String, Object>) params;
            templates.render(template, map, out);
        } else {
            templates.render(template, model, out);
        }
        HttpServerResponse response = ctx.response();
        secureHeaders(response);
        response.setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").end(out.toString());
    }

    private static void secureHeaders(HttpServerResponse response) {
        if (!response.headWritten()) {
            response.putHeader("Content-Security-Policy", CSP)
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Referrer-Policy", "no-referrer")
                    .putHeader("Cache-Control", "no-store");
        }
    }
}
