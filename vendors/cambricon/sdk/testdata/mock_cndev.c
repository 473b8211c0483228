/*
 * mock_cndev.c: a libcndev.so for tests, implementing cndev.h over a small
 * in-memory table of cards, so the Go binding's symbol names, struct
 * layouts and error codes run without Cambricon's driver.
 *
 * Configured from the environment when cndevInit runs:
 *   MOCK_CNDEV_DEVICES    number of cards (default 2, at most MAX_CARDS)
 *   MOCK_CNDEV_UNHEALTHY  index of a card reporting itself unhealthy
 *   MOCK_CNDEV_FAIL       "call:card:code": call fails on card with code
 *   MOCK_CNDEV_NO_SMLU    index of a card whose sMLU mode is off
 *
 * Compiled with MOCK_CNDEV_OLD_DRIVER defined (mock_cndev_old.c), it is a
 * driver from before sMLU: none of the sMLU calls exist.
 *
 * Cards: handle = 1000 + index (so a binding that passes the index instead
 * of the handle fails), 49152 MiB, family MLU370, NUMA node index / 2.
 * MLU-Link: cards 2k and 2k+1 are joined by ports 0 and 1; port 2 reaches
 * a card of another server; the other ports are down.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cndev.h"

#define MAX_CARDS 16
#define MAX_PROFILES 16
#define MAX_INSTANCES 12
#define PORTS 6
#define CARD_MEMORY_MIB 49152ull
#define MIB (1024ull * 1024ull)

struct profile {
  int used, id;
  uint32_t quota;
  uint64_t bytes;
};

struct instance {
  int used, id, profile, handle;
};

struct card {
  struct profile profiles[MAX_PROFILES];
  struct instance instances[MAX_INSTANCES];
  int next_profile, next_instance;
};

/* lock guards every field of mock. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
  int initialised, devices, unhealthy, no_smlu;
  char fail_call[64];
  int fail_card, fail_code;
  struct card cards[MAX_CARDS];
} mock;

static int env_int(const char *name, int def) {
  const char *v = getenv(name);
  return v && *v ? atoi(v) : def;
}

static void configure(void) {
  memset(&mock, 0, sizeof mock);
  mock.devices = env_int("MOCK_CNDEV_DEVICES", 2);
  if (mock.devices < 0 || mock.devices > MAX_CARDS) mock.devices = MAX_CARDS;
  mock.unhealthy = env_int("MOCK_CNDEV_UNHEALTHY", -1);
  mock.no_smlu = env_int("MOCK_CNDEV_NO_SMLU", -1);
  mock.fail_card = -1;
  const char *f = getenv("MOCK_CNDEV_FAIL");
  const char *c1 = f ? strchr(f, ':') : NULL;
  const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
  if (c2 && (size_t)(c1 - f) < sizeof mock.fail_call) {
    memcpy(mock.fail_call, f, (size_t)(c1 - f));
    mock.fail_card = atoi(c1 + 1);
    mock.fail_code = atoi(c2 + 1);
  }
  mock.initialised = 1;
}

/* enter checks what every call checks, in the driver's order: initialised,
 * a known card, the struct version, then an injected failure. It returns
 * with lock held on success. */
#define NO_CARD (-1000)

static cndevRet_t enter(const char *call, int card, int version) {
  pthread_mutex_lock(&lock);
  cndevRet_t r = CNDEV_SUCCESS;
  if (!mock.initialised) r = CNDEV_ERROR_UNINITIALIZED;
  else if (card != NO_CARD && (card < 0 || card >= mock.devices)) r = CNDEV_ERROR_INVALID_DEVICE_ID;
  else if (version != CNDEV_VERSION_5) r = CNDEV_ERROR_UNSUPPORTED_API_VERSION;
  else if ((card == NO_CARD || card == mock.fail_card) && strcmp(call, mock.fail_call) == 0)
    r = (cndevRet_t)mock.fail_code;
  if (r != CNDEV_SUCCESS) pthread_mutex_unlock(&lock);
  return r;
}

static cndevRet_t leave(cndevRet_t r) {
  pthread_mutex_unlock(&lock);
  return r;
}

/* card_of maps a card handle back to its index; anything else (an index
 * passed by mistake, an instance handle) becomes an invalid card. */
static int card_of(cndevDevice_t handle) { return handle >= 1000 && handle < 1000 + MAX_CARDS ? handle - 1000 : -1; }

static void card_uuid(int card, uint8_t *out) {
  snprintf((char *)out, CNDEV_UUID_SIZE, "%08x-0000-4000-8000-%012d", 0xab000000u + (unsigned)card, card);
}

cndevRet_t cndevInit(int reserved) {
  if (reserved != 0) return CNDEV_ERROR_INVALID_ARGUMENT;
  pthread_mutex_lock(&lock);
  configure();
  return leave(CNDEV_SUCCESS);
}

cndevRet_t cndevRelease(void) {
  pthread_mutex_lock(&lock);
  mock.initialised = 0;
  return leave(CNDEV_SUCCESS);
}

cndevRet_t cndevGetDeviceCount(cndevCardInfo_t *info) {
  cndevRet_t r = enter("cndevGetDeviceCount", NO_CARD, info->version);
  if (r) return r;
  info->number = (unsigned)mock.devices;
  return leave(CNDEV_SUCCESS);
}

cndevRet_t cndevGetDeviceHandleByIndex(int index, cndevDevice_t *handle) {
  cndevRet_t r = enter("cndevGetDeviceHandleByIndex", index, CNDEV_VERSION_5);
  if (r) return r;
  *handle = 1000 + index;
  return leave(CNDEV_SUCCESS);
}

cndevRet_t cndevGetUUID(cndevUUID_t *u, cndevDevice_t device) {
  cndevRet_t r = enter("cndevGetUUID", card_of(device), u->version);
  if (r) return r;
  card_uuid(card_of(device), u->uuid);
  u->ncsUUID64 = 0x5555000000000000ull + (uint64_t)card_of(device);
  return leave(CNDEV_SUCCESS);
}

cndevRet_t cndevGetCardName(cndevCardName_t *name, cndevDevice_t device) {
  cndevRet_t r = enter("cndevGetCardName", card_of(device), name->version);
  if (r) return r;
  name->id = MLU370;
  return leave(CNDEV_SUCCESS);
}

cndevRet_t cndevGetCardSN(cndevCardSN_t *sn, cndevDevice_t device) {
  cndevRet_t r = enter("cndevGetCardSN", card_of(device), sn->version);
  if (r) return r;
  sn->sn = 0xc0ffee00ull + (uint64_t)card_of(device);
  sn->motherBoardSn = 0xb0a4d;
  return leave(CNDEV_SUCCESS);
}

cndevRet_t cndevGetMemoryUsageV2(cndevMemoryInfoV2_t *m, cndevDevice_t device) {
  cndevRet_t r = enter("cndevGetMemoryUsageV2", card_of(device), m->version);
  if (r) return r;
  m->physicalMemoryTotal = CARD_MEMORY_MIB;
  m->physicalMemoryUsed = 1000 + (uint64_t)card_of(device);
  m->reservedMemory = 7;
  m->globalMemory = CARD_MEMORY_MIB;
  m->virtualMemoryTotal = 2 * CARD_MEMORY_MIB;
  m->virtualMemoryUsed = 3;
  m->channelNumber = CNDEV_MAX_CHANNEL_COUNT;
  m->channelMemoryUsed[CNDEV_MAX_CHANNEL_COUNT - 1] = 99;
  return leave(CNDEV_SUCCESS);
}

cndevRet_t cndevGetCardHealthState(cndevCardHealthState_t *h, cndevDevice_t device) {
  cndevRet_t r = enter("cndevGetCardHealthState", card_of(device), h->version);
  if (r) return r;
  h->health = card_of(device) == mock.unhealthy ? 0 : 1;
  return leave(CNDEV_SUCCESS);
}

cndevRet_t cndevGetNUMANodeIdByDevId(cndevNUMANodeId_t *n, cndevDevice_t device) {
  cndevRet_t r = enter("cndevGetNUMANodeIdByDevId", card_of(device), n->version);
  if (r) return r;
  n->nodeId = card_of(device) / 2;
  return leave(CNDEV_SUCCESS);
}

cndevRet_t cndevGetDeviceUtilizationInfo(cndevUtilizationInfo_t *u, cndevDevice_t device) {
  cndevRet_t r = enter("cndevGetDeviceUtilizationInfo", card_of(device), u->version);
  if (r) return r;
  u->averageCoreUtilization = 10 * card_of(device) + 5;
  u->coreNumber = 8;
  u->coreUtilization[CNDEV_MAX_CORE_COUNT - 1] = 1;
  return leave(CNDEV_SUCCESS);
}

int cndevGetMLULinkPortNumber(cndevDevice_t device) {
  cndevRet_t r = enter("cndevGetMLULinkPortNumber", card_of(device), CNDEV_VERSION_5);
  if (r) return -(int)r;
  leave(CNDEV_SUCCESS);
  return PORTS;
}

/* partner is the card port reaches on this server, -2 for another server's
 * card, -1 when the port is down. */
static int partner(int card, int port) {
  if (port == 2) return -2;
  int other = card ^ 1;
  if (port > 2 || other >= mock.devices) return -1;
  return other;
}

cndevRet_t cndevGetMLULinkStatusV2(cndevMLULinkStatusV2_t *s, cndevDevice_t device, int port) {
  cndevRet_t r = enter("cndevGetMLULinkStatusV2", card_of(device), s->version);
  if (r) return r;
  if (port < 0 || port >= PORTS) return leave(CNDEV_ERROR_INVALID_LINK);
  int up = partner(card_of(device), port) != -1;
  s->macState = up ? CNDEV_MLULINK_STATE_UP : CNDEV_MLULINK_STATE_DOWN;
  s->serdesState = s->macState;
  s->presenceState = up;
  s->cableState = up;
  return leave(CNDEV_SUCCESS);
}

cndevRet_t cndevGetMLULinkRemoteInfo(cndevMLULinkRemoteInfo_t *ri, cndevDevice_t device, int port) {
  cndevRet_t r = enter("cndevGetMLULinkRemoteInfo", card_of(device), ri->version);
  if (r) return r;
  int other = port >= 0 && port < PORTS ? partner(card_of(device), port) : -1;
  if (other == -1) return leave(CNDEV_ERROR_INVALID_LINK);
  if (other == -2) snprintf((char *)ri->uuid, CNDEV_UUID_SIZE, "ffffffff-0000-4000-8000-000000000000");
  else card_uuid(other, ri->uuid);
  ri->portId = (uint32_t)port;
  ri->connectType = 1;
  ri->ncsUUID64 = 0x77;
  return leave(CNDEV_SUCCESS);
}

#ifndef MOCK_CNDEV_OLD_DRIVER
cndevRet_t cndevGetSMLUMode(cndevDevice_t device, int *mode) {
  cndevRet_t r = enter("cndevGetSMLUMode", card_of(device), CNDEV_VERSION_5);
  if (r) return r;
  *mode = card_of(device) == mock.no_smlu ? 0 : 1;
  return leave(CNDEV_SUCCESS);
}

/* sMLU. A card holds instances while their cores add up to 100 percent at
 * most and their memory to the card's; profiles cost nothing until used. */

static int smlu_off(int card) { return card == mock.no_smlu; }

static struct profile *find_profile(struct card *c, int id) {
  for (int i = 0; i < MAX_PROFILES; i++)
    if (c->profiles[i].used && c->profiles[i].id == id) return &c->profiles[i];
  return NULL;
}

/* room is what instances leave free on the card. */
static void room(struct card *c, uint32_t *quota, uint64_t *bytes) {
  *quota = 100;
  *bytes = CARD_MEMORY_MIB * MIB;
  for (int i = 0; i < MAX_INSTANCES; i++) {
    if (!c->instances[i].used) continue;
    struct profile *p = find_profile(c, c->instances[i].profile);
    *quota -= p->quota;
    *bytes -= p->bytes;
  }
}

cndevRet_t cndevCreateSMluProfileInfo(cndevDevice_t device, cndevSMluSet_t *set, int *id) {
  int card = card_of(device);
  cndevRet_t r = enter("cndevCreateSMluProfileInfo", card, set->version);
  if (r) return r;
  if (smlu_off(card)) return leave(CNDEV_ERROR_NOT_SUPPORTED);
  uint32_t q = set->mluQuota[CNDEV_SMLU_MAX];
  uint64_t b = set->memorySize[CNDEV_SMLU_MAX];
  if (q < 1 || q > 100 || b == 0 || b % (256 * MIB) != 0) return leave(CNDEV_ERROR_INVALID_ARGUMENT);
  struct card *c = &mock.cards[card];
  for (int i = 0; i < MAX_PROFILES; i++) {
    if (c->profiles[i].used) continue;
    c->profiles[i] = (struct profile){.used = 1, .id = ++c->next_profile, .quota = q, .bytes = b};
    *id = c->profiles[i].id;
    return leave(CNDEV_SUCCESS);
  }
  return leave(CNDEV_ERROR_INSUFFICIENT_SPACE);
}

cndevRet_t cndevGetSMluProfileIdInfo(cndevDevice_t device, cndevSMluProfileIdInfo_t *ids) {
  int card = card_of(device);
  cndevRet_t r = enter("cndevGetSMluProfileIdInfo", card, ids->version);
  if (r) return r;
  ids->count = 0;
  for (int i = 0; i < MAX_PROFILES; i++)
    if (mock.cards[card].profiles[i].used) ids->profileId[ids->count++] = mock.cards[card].profiles[i].id;
  return leave(CNDEV_SUCCESS);
}

cndevRet_t cndevGetSMluProfileInfo(cndevDevice_t device, int id, cndevSMluProfileInfo_t *info) {
  int card = card_of(device);
  cndevRet_t r = enter("cndevGetSMluProfileInfo", card, info->version);
  if (r) return r;
  struct card *c = &mock.cards[card];
  struct profile *p = find_profile(c, id);
  if (!p) return leave(CNDEV_ERROR_NOT_FOUND);
  uint32_t q;
  uint64_t b;
  room(c, &q, &b);
  info->profileId = id;
  snprintf(info->name, sizeof info->name, "%uc.%lluMiB", p->quota, (unsigned long long)(p->bytes / MIB));
  uint64_t total = CARD_MEMORY_MIB * MIB / p->bytes, remain = b / p->bytes;
  info->totalCapacity = (uint32_t)(100 / p->quota < total ? 100 / p->quota : total);
  info->remainCapacity = (uint32_t)(q / p->quota < remain ? q / p->quota : remain);
  info->mluQuota[CNDEV_SMLU_MAX] = p->quota;
  info->memorySize[CNDEV_SMLU_MAX] = p->bytes;
  return leave(CNDEV_SUCCESS);
}

cndevRet_t cndevCreateSMluInstanceByProfileId(cndevDevice_t device, int id, cndevDevice_t *handle, const char *name) {
  (void)name;
  int card = card_of(device);
  cndevRet_t r = enter("cndevCreateSMluInstanceByProfileId", card, CNDEV_VERSION_5);
  if (r) return r;
  struct card *c = &mock.cards[card];
  struct profile *p = find_profile(c, id);
  if (!p) return leave(CNDEV_ERROR_NOT_FOUND);
  uint32_t q;
  uint64_t b;
  room(c, &q, &b);
  if (p->quota > q || p->bytes > b) return leave(CNDEV_ERROR_INSUFFICIENT_SPACE);
  for (int i = 0; i < MAX_INSTANCES; i++) {
    if (c->instances[i].used) continue;
    int inst = ++c->next_instance;
    c->instances[i] = (struct instance){.used = 1, .id = inst, .profile = id, .handle = ((card + 1) << 16) | inst};
    *handle = c->instances[i].handle;
    return leave(CNDEV_SUCCESS);
  }
  return leave(CNDEV_ERROR_INSUFFICIENT_SPACE);
}

static void fill_info(int card, const struct instance *in, const struct profile *p, cndevSMluInfo_t *out) {
  out->profileId = p->id;
  out->instanceId = in->id;
  out->instanceHandle = in->handle;
  snprintf(out->profileName, sizeof out->profileName, "%uc.%lluMiB", p->quota, (unsigned long long)(p->bytes / MIB));
  snprintf((char *)out->uuid, CNDEV_UUID_SIZE, "5a5a%04x-0000-4000-8000-%012d", (unsigned)card, in->id);
  snprintf(out->deviceName, sizeof out->deviceName, "/dev/cambricon-caps/cap_dev%d_mi%d", card, in->id);
  out->mluQuota[CNDEV_SMLU_MAX] = p->quota;
  out->memorySize[CNDEV_SMLU_MAX] = p->bytes;
}

cndevRet_t cndevGetAllSMluInstanceInfo(cndevDevice_t device, int *count, cndevSMluInfo_t *info) {
  int card = card_of(device);
  cndevRet_t r = enter("cndevGetAllSMluInstanceInfo", card, *count > 0 ? info[0].version : CNDEV_VERSION_5);
  if (r) return r;
  struct card *c = &mock.cards[card];
  int n = 0;
  for (int i = 0; i < MAX_INSTANCES; i++) n += c->instances[i].used;
  if (n > *count) {
    *count = n;
    return leave(CNDEV_ERROR_INSUFFICIENT_SPACE);
  }
  n = 0;
  for (int i = 0; i < MAX_INSTANCES; i++) {
    if (!c->instances[i].used) continue;
    if (info[n].version != CNDEV_VERSION_5) return leave(CNDEV_ERROR_UNSUPPORTED_API_VERSION);
    fill_info(card, &c->instances[i], find_profile(c, c->instances[i].profile), &info[n]);
    n++;
  }
  *count = n;
  return leave(CNDEV_SUCCESS);
}

cndevRet_t cndevDestroySMluInstanceByHandle(cndevDevice_t handle) {
  int card = (handle >> 16) - 1;
  cndevRet_t r = enter("cndevDestroySMluInstanceByHandle", card, CNDEV_VERSION_5);
  if (r) return r;
  for (int i = 0; i < MAX_INSTANCES; i++) {
    struct instance *in = &mock.cards[card].instances[i];
    if (in->used && in->handle == handle) {
      in->used = 0;
      return leave(CNDEV_SUCCESS);
    }
  }
  return leave(CNDEV_ERROR_NOT_FOUND);
}

cndevRet_t cndevDestroySMluProfileInfo(cndevDevice_t device, int id) {
  int card = card_of(device);
  cndevRet_t r = enter("cndevDestroySMluProfileInfo", card, CNDEV_VERSION_5);
  if (r) return r;
  struct card *c = &mock.cards[card];
  struct profile *p = find_profile(c, id);
  if (!p) return leave(CNDEV_ERROR_NOT_FOUND);
  for (int i = 0; i < MAX_INSTANCES; i++)
    if (c->instances[i].used && c->instances[i].profile == id) return leave(CNDEV_ERROR_IN_USE);
  p->used = 0;
  return leave(CNDEV_SUCCESS);
}

#endif /* MOCK_CNDEV_OLD_DRIVER */

/* mockCndevSizeof is not part of CNDev: the test compares the Go structs'
 * sizes with the C compiler's. */
unsigned long mockCndevSizeof(const char *type);
unsigned long mockCndevSizeof(const char *type) {
  static const struct {
    const char *name;
    unsigned long size;
  } sizes[] = {
      {"cndevCardInfo_t", sizeof(cndevCardInfo_t)},
      {"cndevUUID_t", sizeof(cndevUUID_t)},
      {"cndevCardName_t", sizeof(cndevCardName_t)},
      {"cndevCardSN_t", sizeof(cndevCardSN_t)},
      {"cndevMemoryInfoV2_t", sizeof(cndevMemoryInfoV2_t)},
      {"cndevCardHealthState_t", sizeof(cndevCardHealthState_t)},
      {"cndevNUMANodeId_t", sizeof(cndevNUMANodeId_t)},
      {"cndevUtilizationInfo_t", sizeof(cndevUtilizationInfo_t)},
      {"cndevMLULinkStatusV2_t", sizeof(cndevMLULinkStatusV2_t)},
      {"cndevMLULinkRemoteInfo_t", sizeof(cndevMLULinkRemoteInfo_t)},
      {"cndevSMluSet_t", sizeof(cndevSMluSet_t)},
      {"cndevSMluProfileIdInfo_t", sizeof(cndevSMluProfileIdInfo_t)},
      {"cndevSMluProfileInfo_t", sizeof(cndevSMluProfileInfo_t)},
      {"cndevSMluInfo_t", sizeof(cndevSMluInfo_t)},
  };
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
    if (strcmp(sizes[i].name, type) == 0) return sizes[i].size;
  return 0;
}
