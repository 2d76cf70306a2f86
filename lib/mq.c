/*
 * JetStream access (mq.h) over cnats. Every natsStatus and JetStream error
 * code stops here and becomes a code of err.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nats/nats.h>

#include "config.h"
#include "err.h"
#include "log.h"
#include "mq.h"
#include "xalloc.h"

#define NS_PER_MS INT64_C(1000000)
#define NS_PER_S INT64_C(1000000000)
#define API_WAIT_MS 5000

struct mq {
	natsConnection *nc;
	jsCtx *js;
	char *name;
	/* Asynchronous publishing (mq_publish_batch): its own context, whose
	 * PubAck callback (on_pub_ack) answers into the batch in hand. One
	 * batch at a time (pub_mu), its state under ack_mu. */
	jsCtx *ajs;
	pthread_mutex_t pub_mu, ack_mu;
	pthread_cond_t ack_cv;
	struct mq_out *out;
	natsMsg **sent; /* the messages of out, to know an answer's index */
	size_t nout, answered;
};

/* The window of asynchronous publishes in flight on one connection. */
#define PUBLISH_WINDOW 256

static void on_pub_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *closure);

struct mq_pull {
	natsSubscription *sub;
};

const struct mq_stream_conf mq_stream_default = {
    .name = MQ_STREAM,
    .subjects = MQ_STREAM_SUBJECTS,
    .max_age_s = 0,
    /* JetStream reserves MaxBytes out of the server's max_file_store, and
     * counts it twice while checking an add or update: keep it well under
     * half of that store (the local stack has 2 GB). */
    .max_bytes = INT64_C(512) << 20,
    .duplicates_s = 2 * 3600,
    .discard_new = 1,
    .replicas = 1,
};

/* The JetStream error of a publish the stream refused to store (with
 * discard-new: "maximum bytes exceeded"); cnats has no name for it. */
#define JS_STORE_FAILED 10077

/* err_of: the err.h code of a natsStatus. */
static int
err_of(natsStatus s)
{
	switch (s) {
	case NATS_OK:
		return TK_OK;
	case NATS_INVALID_ARG:
	case NATS_ADDRESS_MISSING:
	case NATS_INVALID_SUBJECT:
		return TK_ECONFIG;
	case NATS_NO_MEMORY:
		return TK_EINTERNAL;
	default:
		return TK_EIO;
	}
}

static void
on_disconnected(natsConnection *nc, void *closure)
{
	if (natsConnection_IsClosed(nc))
		return; /* our own mq_close */
	log_warn("nats %s: disconnected; reconnecting", (const char *)closure);
}

static void
on_reconnected(natsConnection *nc, void *closure)
{
	(void)nc;
	log_info("nats %s: connected", (const char *)closure);
}

/*
 * set_servers: the servers of url, one URL or several separated by commas
 * (a cluster's seed servers, spaces around them allowed), into opts.
 * cnats 3.4 takes a list through natsOptions_SetServers only: SetURL
 * treats "a,b" as one URL that names no server (docs/PITFALLS.md).
 */
static natsStatus
set_servers(natsOptions *opts, const char *url)
{
	const char *servers[MQ_SERVERS_MAX];
	char copy[1024], *p, *end;
	int n = 0;

	if ((size_t)snprintf(copy, sizeof(copy), "%s", url) >= sizeof(copy))
		return NATS_INVALID_ARG;
	for (p = strtok_r(copy, ",", &end); p != NULL; p = strtok_r(NULL, ",", &end)) {
		while (*p == ' ')
			p++;
		p[strcspn(p, " ")] = '\0';
		if (*p == '\0' || n == MQ_SERVERS_MAX)
			return NATS_INVALID_ARG;
		servers[n++] = p;
	}
	if (n == 0)
		return NATS_INVALID_ARG;
	return n == 1 ? natsOptions_SetURL(opts, servers[0])
		      : natsOptions_SetServers(opts, servers, n);
}

static int
connect_to(const char *url, const char *user, const char *password, const char *name,
	   natsConnection **nc, void *closure)
{
	natsOptions *opts = NULL;
	char inbox[256];
	natsStatus s;

	s = natsOptions_Create(&opts);
	if (s == NATS_OK)
		s = set_servers(opts, url);
	if (s == NATS_OK && user != NULL && *user != '\0') {
		s = natsOptions_SetUserInfo(opts, user, password != NULL ? password : "");
		if (s == NATS_OK && (size_t)snprintf(inbox, sizeof(inbox), MQ_INBOX_PREFIX "%s",
						     user) >= sizeof(inbox))
			s = NATS_INVALID_ARG;
		if (s == NATS_OK)
			s = natsOptions_SetCustomInboxPrefix(opts, inbox);
	}
	if (s == NATS_OK)
		s = natsOptions_SetName(opts, name);
	if (s == NATS_OK)
		s = natsOptions_SetMaxReconnect(opts, -1);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectWait(opts, 250);
	if (s == NATS_OK)
		s = natsOptions_SetTimeout(opts, 2000);
	if (s == NATS_OK)
		s = natsOptions_SetDisconnectedCB(opts, on_disconnected, closure);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectedCB(opts, on_reconnected, closure);
	/* With a callback, a first failed connect is retried in the
	 * background and Connect returns NATS_NOT_YET_CONNECTED. */
	if (s == NATS_OK)
		s = natsOptions_SetRetryOnFailedConnect(opts, true, on_reconnected, closure);
	if (s == NATS_OK)
		s = natsConnection_Connect(nc, opts);
	if (s == NATS_NOT_YET_CONNECTED)
		s = NATS_OK;
	if (s != NATS_OK)
		log_error("nats %s: connect to %s: %s", name, url, natsStatus_GetText(s));
	natsOptions_Destroy(opts);
	return s == NATS_OK ? TK_OK : TK_ECONFIG;
}

int
mq_connect(const char *url, const char *user, const char *password, const char *name,
	   struct mq **out)
{
	struct mq *mq = xcalloc(1, sizeof(*mq));
	pthread_condattr_t ca;
	jsOptions jo;
	int rc;

	*out = NULL;
	mq->name = xstrdup(name);
	pthread_mutex_init(&mq->pub_mu, NULL);
	pthread_mutex_init(&mq->ack_mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&mq->ack_cv, &ca);
	pthread_condattr_destroy(&ca);
	rc = connect_to(url, user, password, name, &mq->nc, mq->name);
	if (rc != TK_OK)
		goto out;
	jsOptions_Init(&jo);
	jo.Wait = API_WAIT_MS;
	if (natsConnection_JetStream(&mq->js, mq->nc, &jo) != NATS_OK) {
		rc = TK_EINTERNAL;
		goto out;
	}
	jo.PublishAsync.MaxPending = PUBLISH_WINDOW;
	jo.PublishAsync.AckHandler = on_pub_ack;
	jo.PublishAsync.AckHandlerClosure = mq;
	if (natsConnection_JetStream(&mq->ajs, mq->nc, &jo) != NATS_OK) {
		rc = TK_EINTERNAL;
		goto out;
	}
	*out = mq;
	mq = NULL;
out:
	mq_close(mq);
	return rc;
}

void
mq_close(struct mq *mq)
{
	if (mq == NULL)
		return;
	jsCtx_Destroy(mq->js);
	jsCtx_Destroy(mq->ajs);
	if (mq->nc != NULL) {
		natsConnection_Close(mq->nc);
		natsConnection_Destroy(mq->nc);
	}
	free(mq->name);
	pthread_mutex_destroy(&mq->pub_mu);
	pthread_mutex_destroy(&mq->ack_mu);
	pthread_cond_destroy(&mq->ack_cv);
	free(mq);
}

int
mq_connected(struct mq *mq)
{
	return natsConnection_Status(mq->nc) == NATS_CONN_STATUS_CONNECTED;
}

int
mq_connect_configured(const char *name, struct mq **out)
{
	return mq_connect(config_str("nats_url"), config_str("nats_user"),
			  config_str("nats_password"), name, out);
}

int
mq_wait_connected(struct mq *mq, int64_t timeout_ms)
{
	struct timespec ts = {0, 50 * 1000000L};
	int64_t waited = 0;

	while (!mq_connected(mq) && waited < timeout_ms) {
		nanosleep(&ts, NULL);
		waited += 50;
	}
	return mq_connected(mq) ? TK_OK : TK_EIO;
}

int
mq_ensure_stream(struct mq *mq, const struct mq_stream_conf *conf)
{
	jsStreamConfig cfg;
	jsStreamInfo *si = NULL;
	jsErrCode jerr = 0;
	const char *subjects[1] = {conf->subjects};
	natsStatus s;
	int rc;

	jsStreamConfig_Init(&cfg);
	cfg.Name = conf->name;
	cfg.Subjects = subjects;
	cfg.SubjectsLen = 1;
	cfg.Storage = js_FileStorage;
	cfg.Retention = js_LimitsPolicy;
	cfg.Discard = conf->discard_new ? js_DiscardNew : js_DiscardOld;
	cfg.MaxAge = conf->max_age_s * NS_PER_S;
	cfg.MaxBytes = conf->max_bytes;
	cfg.Duplicates = conf->duplicates_s * NS_PER_S;
	cfg.Replicas = conf->replicas;
	s = js_AddStream(&si, mq->js, &cfg, NULL, &jerr);
	if (s != NATS_OK && jerr == JSStreamNameExistErr) {
		jerr = 0;
		s = js_UpdateStream(&si, mq->js, &cfg, NULL, &jerr);
	}
	rc = err_of(s);
	if (rc != TK_OK) {
		if (jerr != 0)
			rc = TK_ECONFIG;
		log_error("nats: stream %s: %s (JetStream error %d)", conf->name,
			  natsStatus_GetText(s), (int)jerr);
	}
	jsStreamInfo_Destroy(si);
	return rc;
}

int
mq_ensure_consumer(struct mq *mq, const struct mq_consumer_conf *conf)
{
	jsConsumerConfig cfg;
	jsConsumerInfo *ci = NULL;
	jsErrCode jerr = 0;
	natsStatus s;
	int rc;

	jsConsumerConfig_Init(&cfg);
	cfg.Durable = conf->durable;
	cfg.FilterSubject = conf->filter;
	cfg.DeliverPolicy = js_DeliverAll;
	cfg.AckPolicy = js_AckExplicit;
	cfg.AckWait = conf->ack_wait_ms * NS_PER_MS;
	cfg.MaxDeliver = conf->max_deliver;
	cfg.MaxAckPending = conf->max_ack_pending;
	s = js_AddConsumer(&ci, mq->js, conf->stream, &cfg, NULL, &jerr);
	if (s != NATS_OK && jerr != 0) {
		/* It exists with other settings: change the ones that may
		 * change. */
		jsConsumerInfo_Destroy(ci);
		ci = NULL;
		jerr = 0;
		s = js_UpdateConsumer(&ci, mq->js, conf->stream, &cfg, NULL, &jerr);
	}
	rc = err_of(s);
	if (rc != TK_OK) {
		if (jerr != 0)
			rc = TK_ECONFIG;
		log_error("nats: consumer %s on %s: %s (JetStream error %d)", conf->durable,
			  conf->stream, natsStatus_GetText(s), (int)jerr);
	}
	jsConsumerInfo_Destroy(ci);
	return rc;
}

int
mq_publish(struct mq *mq, const char *subject, const char *msg_id, const void *data, size_t len,
	   int64_t timeout_ms, int *duplicate)
{
	natsMsg *msg = NULL;
	jsPubAck *pa = NULL;
	jsPubOptions po;
	jsErrCode jerr = 0;
	natsStatus s;
	int rc;

	if (duplicate != NULL)
		*duplicate = 0;
	s = natsMsg_Create(&msg, subject, NULL, data, (int)len);
	if (s == NATS_OK) {
		jsPubOptions_Init(&po);
		po.MsgId = msg_id;
		po.MaxWait = timeout_ms;
		s = js_PublishMsg(&pa, mq->js, msg, &po, &jerr);
	}
	rc = err_of(s);
	if (rc != TK_OK && jerr == JS_STORE_FAILED)
		rc = TK_ELIMIT;
	if (rc == TK_OK && duplicate != NULL)
		*duplicate = pa->Duplicate;
	jsPubAck_Destroy(pa);
	natsMsg_Destroy(msg);
	return rc;
}

/*
 * on_pub_ack: cnats' answer to an asynchronous publish of mq_publish_batch
 * (a PubAck or an error), on a library thread: recorded in the batch in
 * hand when msg belongs to it (an answer after the batch gave up on it
 * finds no batch), then msg is released.
 */
static void
on_pub_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *closure)
{
	struct mq *mq = closure;
	size_t i;

	(void)js;
	pthread_mutex_lock(&mq->ack_mu);
	for (i = 0; mq->out != NULL && i < mq->nout; i++) {
		if (mq->sent[i] != msg)
			continue;
		if (pa != NULL) {
			mq->out[i].rc = TK_OK;
			mq->out[i].duplicate = pa->Duplicate;
		} else {
			mq->out[i].rc =
			    pae != NULL && pae->ErrCode == JS_STORE_FAILED ? TK_ELIMIT : TK_EIO;
		}
		mq->sent[i] = NULL;
		mq->answered++;
		pthread_cond_broadcast(&mq->ack_cv);
		break;
	}
	pthread_mutex_unlock(&mq->ack_mu);
	natsMsg_Destroy(msg);
}

int
mq_publish_batch(struct mq *mq, struct mq_out *out, size_t n, int64_t timeout_ms)
{
	natsMsgList pending = {0};
	natsMsg *msg = NULL;
	jsPubOptions po;
	struct timespec until;
	size_t i, published = 0, stored = 0;
	natsStatus s = NATS_OK;

	pthread_mutex_lock(&mq->pub_mu);
	for (i = 0; i < n; i++) {
		out[i].rc = TK_EIO;
		out[i].duplicate = 0;
	}
	pthread_mutex_lock(&mq->ack_mu);
	mq->out = out;
	mq->sent = xcalloc(n > 0 ? n : 1, sizeof(*mq->sent));
	mq->nout = n;
	mq->answered = 0;
	pthread_mutex_unlock(&mq->ack_mu);
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (timeout_ms % 1000) * NS_PER_MS;
	until.tv_sec += until.tv_nsec / NS_PER_S;
	until.tv_nsec %= NS_PER_S;
	/* Publish them all; the answers come meanwhile. A failure to send
	 * (disconnected, the window full past its stall wait) stops here: the
	 * rest keep TK_EIO. */
	for (i = 0; i < n && s == NATS_OK; i++) {
		s = natsMsg_Create(&msg, out[i].subject, NULL, out[i].data, (int)out[i].len);
		if (s != NATS_OK)
			break;
		jsPubOptions_Init(&po);
		po.MsgId = out[i].msg_id;
		pthread_mutex_lock(&mq->ack_mu);
		mq->sent[i] = msg;
		pthread_mutex_unlock(&mq->ack_mu);
		/* On success the library owns msg and sets it to NULL; the
		 * answer's callback gets it back. */
		s = js_PublishMsgAsync(mq->ajs, &msg, &po);
		if (s != NATS_OK) {
			pthread_mutex_lock(&mq->ack_mu);
			mq->sent[i] = NULL;
			pthread_mutex_unlock(&mq->ack_mu);
			natsMsg_Destroy(msg);
			msg = NULL;
			break;
		}
		published++;
	}
	pthread_mutex_lock(&mq->ack_mu);
	while (mq->answered < published &&
	       pthread_cond_timedwait(&mq->ack_cv, &mq->ack_mu, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&mq->ack_mu);
	/* What was not answered in time is taken back (its answer, if it
	 * comes, is dropped by cnats) and stays TK_EIO: the caller publishes
	 * it again with the same id, and JetStream drops a repeat. */
	if (js_PublishAsyncGetPendingList(&pending, mq->ajs) == NATS_OK)
		natsMsgList_Destroy(&pending);
	pthread_mutex_lock(&mq->ack_mu);
	mq->out = NULL;
	free(mq->sent);
	mq->sent = NULL;
	mq->nout = 0;
	pthread_mutex_unlock(&mq->ack_mu);
	pthread_mutex_unlock(&mq->pub_mu);
	for (i = 0; i < n; i++)
		stored += out[i].rc == TK_OK;
	return stored == n ? TK_OK : TK_EIO;
}

int
mq_notify(struct mq *mq, const char *subject)
{
	int rc = err_of(natsConnection_Publish(mq->nc, subject, NULL, 0));

	return rc;
}

struct listener {
	void (*cb)(void *arg);
	void *arg;
};

static void
on_core_msg(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
	struct listener *l = closure;

	(void)nc;
	(void)sub;
	natsMsg_Destroy(msg);
	l->cb(l->arg);
}

int
mq_listen(struct mq *mq, const char *subject, void (*cb)(void *arg), void *arg)
{
	/* Lives as long as the connection: one per process and subject. */
	struct listener *l = xcalloc(1, sizeof(*l));
	natsSubscription *sub = NULL;
	int rc;

	l->cb = cb;
	l->arg = arg;
	rc = err_of(natsConnection_Subscribe(&sub, mq->nc, subject, on_core_msg, l));
	if (rc != TK_OK)
		free(l);
	return rc;
}

int
mq_pull_open(struct mq *mq, const char *stream, const char *durable, const char *filter,
	     struct mq_pull **out)
{
	struct mq_pull *p = xcalloc(1, sizeof(*p));
	jsSubOptions so;
	jsErrCode jerr = 0;
	natsStatus s;
	int rc;

	*out = NULL;
	jsSubOptions_Init(&so);
	so.Stream = stream;
	so.Consumer = durable;
	s = js_PullSubscribe(&p->sub, mq->js, filter, durable, NULL, &so, &jerr);
	rc = err_of(s);
	if (rc != TK_OK) {
		log_error("nats: bind to consumer %s: %s (JetStream error %d)", durable,
			  natsStatus_GetText(s), (int)jerr);
		free(p);
		goto out;
	}
	*out = p;
out:
	return rc;
}

void
mq_pull_close(struct mq_pull *p)
{
	if (p == NULL)
		return;
	/* Destroy, not Unsubscribe: the durable consumer stays. */
	natsSubscription_Destroy(p->sub);
	free(p);
}

int
mq_fetch(struct mq_pull *p, int max, int64_t timeout_ms, struct mq_batch *out)
{
	natsMsgList list = {0};
	jsErrCode jerr = 0;
	natsStatus s;
	int rc;

	memset(out, 0, sizeof(*out));
	s = natsSubscription_Fetch(&list, p->sub, max, timeout_ms, &jerr);
	/* An empty fetch ends in NATS_TIMEOUT: not a failure. */
	rc = s == NATS_OK || s == NATS_TIMEOUT ? TK_OK : TK_EIO;
	if (rc == TK_OK && list.Count > 0) {
		out->count = list.Count;
		out->msgs = (struct mq_msg **)list.Msgs;
	} else {
		natsMsgList_Destroy(&list);
	}
	return rc;
}

void
mq_batch_free(struct mq_batch *b)
{
	natsMsgList list;

	if (b == NULL || b->msgs == NULL)
		return;
	list.Msgs = (natsMsg **)b->msgs;
	list.Count = b->count;
	natsMsgList_Destroy(&list);
	memset(b, 0, sizeof(*b));
}

const char *
mq_msg_data(struct mq_msg *m, size_t *len)
{
	natsMsg *msg = (natsMsg *)m;

	*len = (size_t)natsMsg_GetDataLength(msg);
	return natsMsg_GetData(msg);
}

const char *
mq_msg_subject(struct mq_msg *m)
{
	return natsMsg_GetSubject((natsMsg *)m);
}

static int
meta(struct mq_msg *m, uint64_t *delivered, uint64_t *seq)
{
	jsMsgMetaData *md = NULL;

	*delivered = 0;
	*seq = 0;
	if (natsMsg_GetMetaData(&md, (natsMsg *)m) != NATS_OK)
		return TK_EINVAL;
	*delivered = md->NumDelivered;
	*seq = md->Sequence.Stream;
	jsMsgMetaData_Destroy(md);
	return TK_OK;
}

uint64_t
mq_msg_delivered(struct mq_msg *m)
{
	uint64_t d, s;

	meta(m, &d, &s);
	return d;
}

uint64_t
mq_msg_seq(struct mq_msg *m)
{
	uint64_t d, s;

	meta(m, &d, &s);
	return s;
}

const char *
mq_msg_id(struct mq_msg *m)
{
	const char *v = NULL;

	if (natsMsgHeader_Get((natsMsg *)m, "Nats-Msg-Id", &v) != NATS_OK)
		v = NULL;
	return v;
}

static int
ack_err(natsStatus s)
{
	return s == NATS_OK ? TK_OK : TK_EIO;
}

int
mq_ack(struct mq_msg *m)
{
	return ack_err(natsMsg_Ack((natsMsg *)m, NULL));
}

int
mq_nak(struct mq_msg *m, int64_t delay_ms)
{
	if (delay_ms <= 0)
		return ack_err(natsMsg_Nak((natsMsg *)m, NULL));
	return ack_err(natsMsg_NakWithDelay((natsMsg *)m, delay_ms, NULL));
}

int
mq_term(struct mq_msg *m)
{
	return ack_err(natsMsg_Term((natsMsg *)m, NULL));
}

/* info_err: the code of a failed info request (not found is its own). */
static int
info_err(natsStatus s, jsErrCode jerr)
{
	if (s == NATS_OK)
		return TK_OK;
	if (s == NATS_NOT_FOUND || jerr == JSStreamNotFoundErr || jerr == JSConsumerNotFoundErr)
		return TK_ENOTFOUND;
	return TK_EIO;
}

int
mq_delete_consumer(struct mq *mq, const char *stream, const char *durable)
{
	jsErrCode jerr = 0;

	return info_err(js_DeleteConsumer(mq->js, stream, durable, NULL, &jerr), jerr);
}

/* cluster_nodes: the nodes keeping a stream or consumer (*nodes: its
 * leader and followers) and those of them current, from its cluster
 * information ci (NULL from a server outside any cluster: one node). A
 * follower is current when it has every message and is not offline. */
static void
cluster_nodes(const jsClusterInfo *ci, int *nodes, int *current)
{
	int i;

	*nodes = *current = 1;
	if (ci == NULL)
		return;
	*nodes = *current = ci->Leader != NULL ? 1 : 0;
	for (i = 0; i < ci->ReplicasLen; i++) {
		(*nodes)++;
		if (ci->Replicas[i]->Current && !ci->Replicas[i]->Offline)
			(*current)++;
	}
}

int
mq_stream_state(struct mq *mq, const char *stream, struct mq_stream_state *out)
{
	jsStreamInfo *si = NULL;
	jsErrCode jerr = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = info_err(js_GetStreamInfo(&si, mq->js, stream, NULL, &jerr), jerr);
	if (rc == TK_OK) {
		out->msgs = si->State.Msgs;
		out->bytes = si->State.Bytes;
		out->first_seq = si->State.FirstSeq;
		out->last_seq = si->State.LastSeq;
		out->max_bytes = si->Config->MaxBytes;
		out->max_age_s = si->Config->MaxAge / NS_PER_S;
		out->discard_new = si->Config->Discard == js_DiscardNew;
		out->replicas = si->Config->Replicas;
		cluster_nodes(si->Cluster, &out->nodes, &out->current);
	}
	jsStreamInfo_Destroy(si);
	return rc;
}

int
mq_consumer_state(struct mq *mq, const char *stream, const char *durable,
		  struct mq_consumer_state *out)
{
	jsConsumerInfo *ci = NULL;
	jsErrCode jerr = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = info_err(js_GetConsumerInfo(&ci, mq->js, stream, durable, NULL, &jerr), jerr);
	if (rc == TK_OK) {
		out->pending = ci->NumPending;
		out->ack_pending = (uint64_t)ci->NumAckPending;
		out->ack_floor = ci->AckFloor.Stream;
		out->max_deliver = ci->Config->MaxDeliver;
		cluster_nodes(ci->Cluster, &out->nodes, &out->current);
	}
	jsConsumerInfo_Destroy(ci);
	return rc;
}

/* api_options: the options of a JetStream API request of this file. */
static void
api_options(jsOptions *o)
{
	jsOptions_Init(o);
	o->Wait = API_WAIT_MS;
}

int
mq_purge_before(struct mq *mq, const char *stream, uint64_t seq)
{
	jsOptions o;
	jsErrCode jerr = 0;

	api_options(&o);
	o.Stream.Purge.Sequence = seq; /* up to, not including, seq */
	return info_err(js_PurgeStream(mq->js, stream, &o, &jerr), jerr);
}

int
mq_stream_msg(struct mq *mq, const char *stream, uint64_t seq, struct mq_stored *out)
{
	natsMsg *m = NULL;
	jsOptions o;
	jsErrCode jerr = 0;
	const char *v = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	api_options(&o);
	rc = info_err(js_GetMsg(&m, mq->js, stream, seq, &o, &jerr), jerr);
	if (rc == TK_OK && jerr == JSNoMessageFoundErr)
		rc = TK_ENOTFOUND;
	if (rc != TK_OK)
		goto out;
	if (natsMsgHeader_Get(m, "Nats-Msg-Id", &v) == NATS_OK && v != NULL)
		snprintf(out->msg_id, sizeof(out->msg_id), "%s", v);
	snprintf(out->subject, sizeof(out->subject), "%s", natsMsg_GetSubject(m));
	out->time_ns = natsMsg_GetTime(m);
out:
	natsMsg_Destroy(m);
	return rc;
}

int
mq_stream_each(struct mq *mq, const char *stream, uint64_t first, uint64_t last,
	       int (*fn)(void *arg, uint64_t seq, const struct mq_stored *m), void *arg)
{
	struct mq_stored m;
	uint64_t seq;
	int rc = TK_OK;

	for (seq = first; rc == TK_OK && seq > 0 && seq <= last; seq++) {
		rc = mq_stream_msg(mq, stream, seq, &m);
		if (rc == TK_ENOTFOUND) {
			rc = TK_OK; /* deleted or purged */
			continue;
		}
		if (rc == TK_OK)
			rc = fn(arg, seq, &m);
	}
	return rc;
}

int
mq_delete_stream(struct mq *mq, const char *stream)
{
	jsErrCode jerr = 0;

	return info_err(js_DeleteStream(mq->js, stream, NULL, &jerr), jerr);
}

int
mq_delete_msg(struct mq *mq, const char *stream, uint64_t seq)
{
	jsOptions o;
	jsErrCode jerr = 0;
	int rc;

	api_options(&o);
	rc = info_err(js_DeleteMsg(mq->js, stream, seq, &o, &jerr), jerr);
	if (rc == TK_EIO && jerr == JSSequenceNotFoundErr)
		rc = TK_ENOTFOUND;
	return rc;
}

/*
 * The process-wide connection of mq_nudge_outbox. The first nudge starts a
 * thread that connects: a connect can take up to the connect timeout (a
 * server that accepts and never answers, or is stopped), and a nudge runs
 * on a request thread that has an answer to send. Nudges before the
 * connection exists are dropped; the relay polls for what they missed.
 * Only long-running programs enable nudges: a tool that exits right after
 * its commit would exit under the connecting thread (seen as a crash in
 * cnats at exit under ASan), and gains nothing from the nudge.
 */
static pthread_once_t nudge_once = PTHREAD_ONCE_INIT;
static atomic_int nudge_enabled;
static _Atomic(natsConnection *) nudge_nc;
static char nudge_subject[256];
static char nudge_name[] = "nudge";

static void *
nudge_connect(void *arg)
{
	natsConnection *nc = NULL;

	(void)arg;
	/* The configuration is loaded once and never changes: read here. */
	if (connect_to(config_str("nats_url"), config_str("nats_user"), config_str("nats_password"),
		       nudge_name, &nc, nudge_name) == TK_OK)
		atomic_store(&nudge_nc, nc);
	return NULL;
}

static void
nudge_init(void)
{
	const char *url = config_str("nats_url");
	pthread_attr_t attr;
	pthread_t t;
	int n;

	if (*url == '\0')
		return;
	n = snprintf(nudge_subject, sizeof(nudge_subject), MQ_NUDGE_PREFIX "%s",
		     config_str("db_name"));
	if (n < 0 || (size_t)n >= sizeof(nudge_subject))
		return;
	if (pthread_attr_init(&attr) != 0)
		return;
	if (pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) != 0 ||
	    pthread_create(&t, &attr, nudge_connect, NULL) != 0)
		log_warn("nats %s: cannot start the connecting thread; no nudges", nudge_name);
	pthread_attr_destroy(&attr);
}

void
mq_nudge_enable(void)
{
	atomic_store(&nudge_enabled, 1);
}

void
mq_nudge_outbox(void)
{
	natsConnection *nc;

	if (!atomic_load(&nudge_enabled))
		return;
	pthread_once(&nudge_once, nudge_init);
	nc = atomic_load(&nudge_nc);
	if (nc != NULL)
		natsConnection_Publish(nc, nudge_subject, NULL, 0);
}
