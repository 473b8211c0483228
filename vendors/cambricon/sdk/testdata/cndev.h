/*
 * cndev.h: the part of Cambricon's management library (libcndev.so) that
 * HAMi calls.
 *
 * THIS IS THIS PROJECT'S RECONSTRUCTION, NOT THE VENDOR'S FILE. No public
 * copy of the vendor header could be fetched when it was written; names,
 * argument orders and layouts follow public knowledge of CNDev as closely as
 * we could, and the Go declarations in ../cndev.go must match this file (the
 * tests check every struct's size against it). When a real header is at
 * hand, compare the two and fix both.
 *
 * Conventions of CNDev this file keeps:
 *  - every call returns a cndevRet_t;
 *  - every struct starts with `int version`, which the caller sets to
 *    CNDEV_VERSION_5 before the call; an unknown version is refused with
 *    CNDEV_ERROR_UNSUPPORTED_API_VERSION;
 *  - the older information calls take the output struct first and the device
 *    second; the sMLU calls take the device first;
 *  - memory sizes of cards are in MiB, sMLU memory sizes in bytes.
 */
#ifndef HAMI_RECONSTRUCTED_CNDEV_H
#define HAMI_RECONSTRUCTED_CNDEV_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CNDEV_VERSION_5 5
#define CNDEV_UUID_SIZE 37
#define CNDEV_NAME_BUFFER_SIZE 128
#define CNDEV_IP_ADDRESS_SIZE 16
#define CNDEV_MAX_CORE_COUNT 80
#define CNDEV_MAX_CHANNEL_COUNT 20
#define CNDEV_SMLU_MAX_PROFILE_COUNT 128

typedef enum {
  CNDEV_SUCCESS = 0,
  CNDEV_ERROR_NO_DRIVER = 1,
  CNDEV_ERROR_LOW_DRIVER_VERSION = 2,
  CNDEV_ERROR_UNSUPPORTED_API_VERSION = 3,
  CNDEV_ERROR_UNINITIALIZED = 4,
  CNDEV_ERROR_INVALID_ARGUMENT = 5,
  CNDEV_ERROR_INVALID_DEVICE_ID = 6,
  CNDEV_ERROR_UNKNOWN = 7,
  CNDEV_ERROR_MALLOC = 8,
  CNDEV_ERROR_INSUFFICIENT_SPACE = 9,
  CNDEV_ERROR_NOT_SUPPORTED = 10,
  CNDEV_ERROR_INVALID_LINK = 11,
  CNDEV_ERROR_NO_FUNCTIONS = 12,
  CNDEV_ERROR_NO_PERMISSION = 13,
  CNDEV_ERROR_IN_USE = 14,
  CNDEV_ERROR_NOT_FOUND = 15,
  CNDEV_ERROR_TIMEOUT = 16
} cndevRet_t;

/* A card or an sMLU instance. Cards: what cndevGetDeviceHandleByIndex
 * returns. Instances: the handle cndevCreateSMluInstanceByProfileId returns. */
typedef int cndevDevice_t;

typedef struct {
  int version;
  unsigned number;
} cndevCardInfo_t;

typedef struct {
  int version;
  uint8_t uuid[CNDEV_UUID_SIZE]; /* text, NUL-terminated */
  uint64_t ncsUUID64;
} cndevUUID_t;

/* Product families; cndevGetCardName reports one. The model within a family
 * (X8, X4, S4) is not in this enum. */
typedef enum {
  MLU100 = 0,
  MLU270 = 1,
  MLU220_M2 = 16,
  MLU220_EDGE = 17,
  MLU220_EVB = 18,
  MLU220_M2i = 19,
  MLU290 = 20,
  MLU370 = 23,
  MLU365 = 24,
  CE3226 = 25,
  MLU590 = 26,
  MLU_UNKNOWN = 0x7fffffff
} cndevNameEnum_t;

typedef struct {
  int version;
  cndevNameEnum_t id;
} cndevCardName_t;

typedef struct {
  int version;
  uint64_t sn;
  uint64_t motherBoardSn;
} cndevCardSN_t;

typedef struct {
  int version;
  uint64_t physicalMemoryTotal; /* MiB */
  uint64_t physicalMemoryUsed;  /* MiB */
  uint64_t reservedMemory;      /* MiB */
  uint64_t globalMemory;        /* MiB */
  uint64_t virtualMemoryTotal;  /* MiB */
  uint64_t virtualMemoryUsed;   /* MiB */
  uint32_t channelNumber;
  uint64_t channelMemoryUsed[CNDEV_MAX_CHANNEL_COUNT];
} cndevMemoryInfoV2_t;

typedef struct {
  int version;
  int health; /* 1 healthy, 0 not */
} cndevCardHealthState_t;

typedef struct {
  int version;
  int nodeId; /* -1 when the platform has no NUMA */
} cndevNUMANodeId_t;

typedef struct {
  int version;
  int averageCoreUtilization; /* percent */
  int coreUtilization[CNDEV_MAX_CORE_COUNT];
  int coreNumber;
} cndevUtilizationInfo_t;

typedef enum {
  CNDEV_MLULINK_STATE_DOWN = 0,
  CNDEV_MLULINK_STATE_UP = 1
} cndevMLULinkStateEnum_t;

typedef struct {
  int version;
  cndevMLULinkStateEnum_t macState;
  cndevMLULinkStateEnum_t serdesState;
  int presenceState; /* 1: a cable or a board trace is there */
  int cableState;
} cndevMLULinkStatusV2_t;

typedef struct {
  int version;
  int64_t mcSn;
  int64_t baSn;
  uint32_t slotId;
  uint32_t portId;
  uint8_t devIp[CNDEV_IP_ADDRESS_SIZE];
  uint8_t uuid[CNDEV_UUID_SIZE]; /* the peer card's, as cndevGetUUID */
  uint32_t devIpVersion;
  uint32_t isIpValid;
  int32_t connectType;
  uint64_t ncsUUID64;
} cndevMLULinkRemoteInfo_t;

/* sMLU: a profile fixes a share of the card (cores in percent, memory in
 * bytes, a multiple of 256 MiB); instances are made from a profile. */
typedef enum {
  CNDEV_SMLU_MAX = 0,
  CNDEV_SMLU_USAGE = 1,
  CNDEV_SMLU_ITEM_COUNT = 2
} cndevSMluItemEnum_t;

typedef struct {
  int version;
  uint32_t mluQuota[CNDEV_SMLU_ITEM_COUNT];   /* percent */
  uint64_t memorySize[CNDEV_SMLU_ITEM_COUNT]; /* bytes */
} cndevSMluSet_t;

typedef struct {
  int version;
  int count;
  int profileId[CNDEV_SMLU_MAX_PROFILE_COUNT];
} cndevSMluProfileIdInfo_t;

typedef struct {
  int version;
  int profileId;
  char name[CNDEV_NAME_BUFFER_SIZE];
  uint32_t totalCapacity;  /* instances of it an empty card holds */
  uint32_t remainCapacity; /* instances of it the card holds now */
  uint32_t mluQuota[CNDEV_SMLU_ITEM_COUNT];
  uint64_t memorySize[CNDEV_SMLU_ITEM_COUNT];
} cndevSMluProfileInfo_t;

typedef struct {
  int version;
  int profileId;
  int instanceId;
  cndevDevice_t instanceHandle;
  char profileName[CNDEV_NAME_BUFFER_SIZE];
  uint8_t uuid[CNDEV_UUID_SIZE];
  char deviceName[CNDEV_NAME_BUFFER_SIZE]; /* e.g. /dev/cambricon-caps/cap_dev0_mi1 */
  uint32_t mluQuota[CNDEV_SMLU_ITEM_COUNT];
  uint64_t memorySize[CNDEV_SMLU_ITEM_COUNT];
} cndevSMluInfo_t;

/* Life cycle. reserved must be 0. */
cndevRet_t cndevInit(int reserved);
cndevRet_t cndevRelease(void);

/* Cards. */
cndevRet_t cndevGetDeviceCount(cndevCardInfo_t *cardNum);
cndevRet_t cndevGetDeviceHandleByIndex(int index, cndevDevice_t *handle);
cndevRet_t cndevGetUUID(cndevUUID_t *uuidInfo, cndevDevice_t device);
cndevRet_t cndevGetCardName(cndevCardName_t *cardName, cndevDevice_t device);
cndevRet_t cndevGetCardSN(cndevCardSN_t *cardSN, cndevDevice_t device);
cndevRet_t cndevGetMemoryUsageV2(cndevMemoryInfoV2_t *memInfo, cndevDevice_t device);
cndevRet_t cndevGetCardHealthState(cndevCardHealthState_t *health, cndevDevice_t device);
cndevRet_t cndevGetNUMANodeIdByDevId(cndevNUMANodeId_t *numaNodeId, cndevDevice_t device);
cndevRet_t cndevGetDeviceUtilizationInfo(cndevUtilizationInfo_t *util, cndevDevice_t device);

/* MLU-Link. cndevGetMLULinkPortNumber returns the port count itself (0 on a
 * card without MLU-Link); on error, minus a cndevRet_t. */
int cndevGetMLULinkPortNumber(cndevDevice_t device);
cndevRet_t cndevGetMLULinkStatusV2(cndevMLULinkStatusV2_t *status, cndevDevice_t device, int port);
cndevRet_t cndevGetMLULinkRemoteInfo(cndevMLULinkRemoteInfo_t *remote, cndevDevice_t device, int port);

/* sMLU. mode: 1 enabled, 0 disabled. */
cndevRet_t cndevGetSMLUMode(cndevDevice_t device, int *mode);
cndevRet_t cndevCreateSMluProfileInfo(cndevDevice_t device, cndevSMluSet_t *profile, int *profileId);
cndevRet_t cndevGetSMluProfileIdInfo(cndevDevice_t device, cndevSMluProfileIdInfo_t *ids);
cndevRet_t cndevGetSMluProfileInfo(cndevDevice_t device, int profileId, cndevSMluProfileInfo_t *info);
/* Fails with CNDEV_ERROR_INSUFFICIENT_SPACE when the instance does not fit
 * the card's free memory or cores. name may be NULL. */
cndevRet_t cndevCreateSMluInstanceByProfileId(cndevDevice_t device, int profileId, cndevDevice_t *instanceHandle, const char *name);
/* count: in, the capacity of info; out, the number of instances. Fails with
 * CNDEV_ERROR_INSUFFICIENT_SPACE, count set, when info is too small. */
cndevRet_t cndevGetAllSMluInstanceInfo(cndevDevice_t device, int *count, cndevSMluInfo_t *info);
cndevRet_t cndevDestroySMluInstanceByHandle(cndevDevice_t instanceHandle);
/* Fails with CNDEV_ERROR_IN_USE while an instance of the profile lives. */
cndevRet_t cndevDestroySMluProfileInfo(cndevDevice_t device, int profileId);

#ifdef __cplusplus
}
#endif

#endif
